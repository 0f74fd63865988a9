using System.Runtime.InteropServices;

namespace Ebpf.Linux.Links;

/// <summary>
/// The part of <c>union bpf_attr</c> that <c>BPF_LINK_UPDATE</c> (<c>link_update</c>) and <c>BPF_LINK_DETACH</c>
/// (<c>link_detach</c>: only the link fd) read.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct BpfAttrLinkUpdate
{
    [FieldOffset(0)] public uint LinkFd;
    [FieldOffset(4)] public uint NewProgramFd;
    /// <summary>BPF_F_REPLACE to replace only <see cref="OldProgramFd"/>.</summary>
    [FieldOffset(8)] public uint Flags;
    [FieldOffset(12)] public uint OldProgramFd;
}
