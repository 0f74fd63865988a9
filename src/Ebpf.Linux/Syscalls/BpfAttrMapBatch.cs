using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>The part of <c>union bpf_attr</c> that the batch map commands read and write (<c>struct batch</c>).</summary>
[StructLayout(LayoutKind.Explicit, Size = 56)]
internal struct BpfAttrMapBatch
{
    /// <summary>The cursor to start from (a pointer to a key-sized buffer), or 0 to start at the beginning.</summary>
    [FieldOffset(0)] public ulong InBatch;
    /// <summary>Where the kernel writes the cursor to continue from.</summary>
    [FieldOffset(8)] public ulong OutBatch;
    [FieldOffset(16)] public ulong Keys;
    [FieldOffset(24)] public ulong Values;
    /// <summary>In: how many elements the buffers hold; out: how many were processed.</summary>
    [FieldOffset(32)] public uint Count;
    [FieldOffset(36)] public uint MapFd;
    [FieldOffset(40)] public ulong ElementFlags;
    [FieldOffset(48)] public ulong Flags;
}
