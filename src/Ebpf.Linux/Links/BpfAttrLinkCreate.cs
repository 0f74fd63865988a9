using System.Runtime.InteropServices;

namespace Ebpf.Linux.Links;

/// <summary>
/// The part of <c>union bpf_attr</c> that <c>BPF_LINK_CREATE</c> reads (<c>link_create</c> in linux/bpf.h). The
/// per-attach-type union at offset 16 holds what the hooks used here need: the perf-event cookie and tcx's relative
/// program and expected revision. 64 bytes cover the largest member (<c>uprobe_multi</c>); the rest stays zero as the
/// kernel requires.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct BpfAttrLinkCreate
{
    [FieldOffset(0)] public uint ProgramFd;
    /// <summary><c>target_fd</c> (cgroup dir, perf event) or <c>target_ifindex</c> (XDP, tcx): a union in the header.</summary>
    [FieldOffset(4)] public uint Target;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(12)] public uint Flags;
    /// <summary><c>perf_event.bpf_cookie</c>: the value <c>bpf_get_attach_cookie()</c> returns.</summary>
    [FieldOffset(16)] public ulong PerfEventCookie;
    /// <summary><c>tcx.relative_fd</c> (or <c>relative_id</c>): the program to attach before or after, with BPF_F_BEFORE/AFTER.</summary>
    [FieldOffset(16)] public uint TcxRelativeFd;
    /// <summary><c>tcx.expected_revision</c>: when non-zero the attach fails with ESTALE unless the hook is at this revision.</summary>
    [FieldOffset(24)] public ulong TcxExpectedRevision;
}
