namespace Ebpf.ProgramTypes;

/// <summary>What an ELF section name says about its programs: the program type and, where libbpf sets one, the expected attach type.</summary>
/// <param name="ProgramType">The program type (<see cref="ProgramTypeId.Unspecified"/> for a name libbpf does not know).</param>
/// <param name="ExpectedAttachType">The attach type libbpf passes at load time, or null when it passes none.</param>
public sealed record SectionProgramType(ProgramTypeId ProgramType, AttachTypeId? ExpectedAttachType);

/// <summary>
/// libbpf's table of ELF section names ("Program Types and ELF Sections"): <c>name</c> matches exactly,
/// <c>name+</c> matches <c>name</c> or <c>name/anything</c>. The first matching row wins, so specific rows come first.
/// </summary>
public static class SectionNames
{
    private sealed record Row(string Pattern, ProgramTypeId Type, AttachTypeId? AttachType)
    {
        public bool Matches(string section)
        {
            if (!Pattern.EndsWith('+')) return section == Pattern;
            string prefix = Pattern[..^1];
            return section == prefix || section.StartsWith(prefix + "/", StringComparison.Ordinal);
        }
    }

    private static readonly Row[] Table =
    [
        new("socket+", ProgramTypeId.SocketFilter, null),
        new("sk_reuseport/migrate", ProgramTypeId.SkReuseport, AttachTypeId.SkReuseportSelectOrMigrate),
        new("sk_reuseport", ProgramTypeId.SkReuseport, AttachTypeId.SkReuseportSelect),
        new("kprobe+", ProgramTypeId.Kprobe, null),
        new("uprobe+", ProgramTypeId.Kprobe, null),
        new("uprobe.s+", ProgramTypeId.Kprobe, null),
        new("kretprobe+", ProgramTypeId.Kprobe, null),
        new("uretprobe+", ProgramTypeId.Kprobe, null),
        new("uretprobe.s+", ProgramTypeId.Kprobe, null),
        new("kprobe.multi+", ProgramTypeId.Kprobe, AttachTypeId.TraceKprobeMulti),
        new("kretprobe.multi+", ProgramTypeId.Kprobe, AttachTypeId.TraceKprobeMulti),
        new("kprobe.session+", ProgramTypeId.Kprobe, AttachTypeId.TraceKprobeSession),
        new("uprobe.multi+", ProgramTypeId.Kprobe, AttachTypeId.TraceUprobeMulti),
        new("uretprobe.multi+", ProgramTypeId.Kprobe, AttachTypeId.TraceUprobeMulti),
        new("uprobe.multi.s+", ProgramTypeId.Kprobe, AttachTypeId.TraceUprobeMulti),
        new("uretprobe.multi.s+", ProgramTypeId.Kprobe, AttachTypeId.TraceUprobeMulti),
        new("ksyscall+", ProgramTypeId.Kprobe, null),
        new("kretsyscall+", ProgramTypeId.Kprobe, null),
        new("usdt+", ProgramTypeId.Kprobe, null),
        new("usdt.s+", ProgramTypeId.Kprobe, null),
        new("tc/ingress", ProgramTypeId.SchedClassifier, AttachTypeId.TcxIngress),
        new("tc/egress", ProgramTypeId.SchedClassifier, AttachTypeId.TcxEgress),
        new("tcx/ingress", ProgramTypeId.SchedClassifier, AttachTypeId.TcxIngress),
        new("tcx/egress", ProgramTypeId.SchedClassifier, AttachTypeId.TcxEgress),
        new("netkit/primary", ProgramTypeId.SchedClassifier, AttachTypeId.NetkitPrimary),
        new("netkit/peer", ProgramTypeId.SchedClassifier, AttachTypeId.NetkitPeer),
        new("tc", ProgramTypeId.SchedClassifier, null),
        new("classifier+", ProgramTypeId.SchedClassifier, null),
        new("action+", ProgramTypeId.SchedAction, null),
        new("tracepoint+", ProgramTypeId.Tracepoint, null),
        new("tp+", ProgramTypeId.Tracepoint, null),
        new("raw_tracepoint+", ProgramTypeId.RawTracepoint, null),
        new("raw_tp+", ProgramTypeId.RawTracepoint, null),
        new("raw_tracepoint.w+", ProgramTypeId.RawTracepointWritable, null),
        new("raw_tp.w+", ProgramTypeId.RawTracepointWritable, null),
        new("tp_btf+", ProgramTypeId.Tracing, AttachTypeId.TraceRawTracepoint),
        new("fentry+", ProgramTypeId.Tracing, AttachTypeId.TraceFentry),
        new("fmod_ret+", ProgramTypeId.Tracing, AttachTypeId.ModifyReturn),
        new("fexit+", ProgramTypeId.Tracing, AttachTypeId.TraceFexit),
        new("fentry.s+", ProgramTypeId.Tracing, AttachTypeId.TraceFentry),
        new("fmod_ret.s+", ProgramTypeId.Tracing, AttachTypeId.ModifyReturn),
        new("fexit.s+", ProgramTypeId.Tracing, AttachTypeId.TraceFexit),
        new("freplace+", ProgramTypeId.Extension, null),
        new("lsm+", ProgramTypeId.Lsm, AttachTypeId.LsmMac),
        new("lsm.s+", ProgramTypeId.Lsm, AttachTypeId.LsmMac),
        new("lsm_cgroup+", ProgramTypeId.Lsm, AttachTypeId.LsmCgroup),
        new("iter+", ProgramTypeId.Tracing, AttachTypeId.TraceIterator),
        new("iter.s+", ProgramTypeId.Tracing, AttachTypeId.TraceIterator),
        new("syscall", ProgramTypeId.Syscall, null),
        new("xdp.frags/devmap", ProgramTypeId.Xdp, AttachTypeId.XdpDevmap),
        new("xdp/devmap", ProgramTypeId.Xdp, AttachTypeId.XdpDevmap),
        new("xdp.frags/cpumap", ProgramTypeId.Xdp, AttachTypeId.XdpCpumap),
        new("xdp/cpumap", ProgramTypeId.Xdp, AttachTypeId.XdpCpumap),
        new("xdp.frags", ProgramTypeId.Xdp, AttachTypeId.Xdp),
        new("xdp", ProgramTypeId.Xdp, AttachTypeId.Xdp),
        new("perf_event", ProgramTypeId.PerfEvent, null),
        new("lwt_in", ProgramTypeId.LwtIn, null),
        new("lwt_out", ProgramTypeId.LwtOut, null),
        new("lwt_xmit", ProgramTypeId.LwtXmit, null),
        new("lwt_seg6local", ProgramTypeId.LwtSeg6Local, null),
        new("sockops", ProgramTypeId.SockOps, AttachTypeId.CgroupSockOps),
        new("sk_skb/stream_parser", ProgramTypeId.SkSkb, AttachTypeId.SkSkbStreamParser),
        new("sk_skb/stream_verdict", ProgramTypeId.SkSkb, AttachTypeId.SkSkbStreamVerdict),
        new("sk_skb/verdict", ProgramTypeId.SkSkb, AttachTypeId.SkSkbVerdict),
        new("sk_skb", ProgramTypeId.SkSkb, null),
        new("sk_msg", ProgramTypeId.SkMsg, AttachTypeId.SkMsgVerdict),
        new("lirc_mode2", ProgramTypeId.LircMode2, AttachTypeId.LircMode2),
        new("flow_dissector", ProgramTypeId.FlowDissector, AttachTypeId.FlowDissector),
        new("cgroup_skb/ingress", ProgramTypeId.CgroupSkb, AttachTypeId.CgroupInetIngress),
        new("cgroup_skb/egress", ProgramTypeId.CgroupSkb, AttachTypeId.CgroupInetEgress),
        new("cgroup/skb", ProgramTypeId.CgroupSkb, null),
        new("cgroup/sock_create", ProgramTypeId.CgroupSock, AttachTypeId.CgroupInetSockCreate),
        new("cgroup/sock_release", ProgramTypeId.CgroupSock, AttachTypeId.CgroupInetSockRelease),
        new("cgroup/sock", ProgramTypeId.CgroupSock, AttachTypeId.CgroupInetSockCreate),
        new("cgroup/post_bind4", ProgramTypeId.CgroupSock, AttachTypeId.CgroupInet4PostBind),
        new("cgroup/post_bind6", ProgramTypeId.CgroupSock, AttachTypeId.CgroupInet6PostBind),
        new("cgroup/bind4", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupInet4Bind),
        new("cgroup/bind6", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupInet6Bind),
        new("cgroup/connect4", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupInet4Connect),
        new("cgroup/connect6", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupInet6Connect),
        new("cgroup/connect_unix", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupUnixConnect),
        new("cgroup/sendmsg4", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupUdp4Sendmsg),
        new("cgroup/sendmsg6", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupUdp6Sendmsg),
        new("cgroup/sendmsg_unix", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupUnixSendmsg),
        new("cgroup/recvmsg4", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupUdp4Recvmsg),
        new("cgroup/recvmsg6", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupUdp6Recvmsg),
        new("cgroup/recvmsg_unix", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupUnixRecvmsg),
        new("cgroup/getpeername4", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupInet4Getpeername),
        new("cgroup/getpeername6", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupInet6Getpeername),
        new("cgroup/getpeername_unix", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupUnixGetpeername),
        new("cgroup/getsockname4", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupInet4Getsockname),
        new("cgroup/getsockname6", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupInet6Getsockname),
        new("cgroup/getsockname_unix", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupUnixGetsockname),
        new("cgroup/sysctl", ProgramTypeId.CgroupSysctl, AttachTypeId.CgroupSysctl),
        new("cgroup/getsockopt", ProgramTypeId.CgroupSockopt, AttachTypeId.CgroupGetsockopt),
        new("cgroup/setsockopt", ProgramTypeId.CgroupSockopt, AttachTypeId.CgroupSetsockopt),
        new("cgroup/dev", ProgramTypeId.CgroupDevice, AttachTypeId.CgroupDevice),
        new("struct_ops+", ProgramTypeId.StructOps, null),
        new("struct_ops.s+", ProgramTypeId.StructOps, null),
        new("sk_lookup", ProgramTypeId.SkLookup, AttachTypeId.SkLookup),
        new("netfilter", ProgramTypeId.Netfilter, AttachTypeId.Netfilter),
    ];

    /// <summary>The program type of the programs in section <paramref name="sectionName"/>; Unspecified (not an error) for an unknown name.</summary>
    public static SectionProgramType Lookup(string sectionName)
    {
        ArgumentNullException.ThrowIfNull(sectionName);
        foreach (var row in Table)
            if (row.Matches(sectionName)) return new SectionProgramType(row.Type, row.AttachType);
        return new SectionProgramType(ProgramTypeId.Unspecified, null);
    }
}
