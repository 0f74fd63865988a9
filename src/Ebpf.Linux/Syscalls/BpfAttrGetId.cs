using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>
/// The part of <c>union bpf_attr</c> that the id commands read: <c>*_GET_NEXT_ID</c> (start id in, next id out) and
/// <c>*_GET_FD_BY_ID</c> (the id in <see cref="Id"/>).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 12)]
internal struct BpfAttrGetId
{
    /// <summary><c>start_id</c>, or the program, map, BTF or link id (a union in the header).</summary>
    [FieldOffset(0)] public uint Id;
    [FieldOffset(4)] public uint NextId;
    [FieldOffset(8)] public uint OpenFlags;
}
