using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>
/// The part of <c>union bpf_attr</c> that the element commands read (lookup, update, delete, get-next-key,
/// lookup-and-delete): the map fd, the key, the value or next-key buffer and the flags.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct BpfAttrMapElement
{
    [FieldOffset(0)] public uint MapFd;
    [FieldOffset(8)] public ulong Key;
    /// <summary><c>value</c>, or <c>next_key</c> for <see cref="BpfCommand.MapGetNextKey"/> (a union in the header).</summary>
    [FieldOffset(16)] public ulong Value;
    [FieldOffset(24)] public ulong Flags;
}
