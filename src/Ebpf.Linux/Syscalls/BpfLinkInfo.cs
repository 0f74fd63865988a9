using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>The common head of <c>struct bpf_link_info</c> (type, id, program id); the type-specific union follows and is kept as bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal unsafe struct BpfLinkInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public uint ProgramId;
    [FieldOffset(16)] public fixed byte Details[48];
}
