using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>The part of <c>union bpf_attr</c> that <see cref="BpfCommand.ObjectPin"/> and <see cref="BpfCommand.ObjectGet"/> read.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct BpfAttrObjectPin
{
    /// <summary>A pointer to the zero-terminated path in the bpf file system.</summary>
    [FieldOffset(0)] public ulong PathName;
    /// <summary>The fd to pin (0 for get).</summary>
    [FieldOffset(8)] public uint BpfFd;
    /// <summary>BPF_F_RDONLY / BPF_F_WRONLY for get.</summary>
    [FieldOffset(12)] public uint FileFlags;
}
