namespace Ebpf.ProgramTypes;

/// <summary>
/// The program types the runtime and verifier know, with the kernel's context layouts (linux/bpf.h), access rules
/// (the <c>*_is_valid_access</c> functions of net/core/filter.c and kernel/trace/bpf_trace.c) and return ranges
/// (<c>check_return_code</c> in kernel/bpf/verifier.c).
/// </summary>
public static class KnownProgramTypes
{
    private static readonly IReadOnlyDictionary<uint, string> NoCodes = new Dictionary<uint, string>();

    /// <summary>BPF_PROG_TYPE_SOCKET_FILTER (1): <c>struct __sk_buff</c>, packet from the network header.</summary>
    public static ProgramType SocketFilter { get; } = new("socket_filter", 1, SkBuffContext.Size, SkBuffContext.Fields(SkBuffRules.SocketFilter),
        PacketLayout.SkbFromNetworkLayer, NoCodes) { Input = ContextInput.SkBuff };

    /// <summary>BPF_PROG_TYPE_KPROBE (2): x86-64 <c>struct pt_regs</c>.</summary>
    public static ProgramType Kprobe { get; } = new("kprobe", 2, TracingContexts.PtRegsSize, TracingContexts.PtRegs, PacketLayout.None, NoCodes);

    /// <summary>BPF_PROG_TYPE_SCHED_CLS (3): tc classifier on <c>struct __sk_buff</c>, packet from the Ethernet header.</summary>
    public static ProgramType SchedCls { get; } = new("sched_cls", 3, SkBuffContext.Size, SkBuffContext.Fields(SkBuffRules.TrafficControl),
        PacketLayout.SkbFromLinkLayer, TcActions) { Input = ContextInput.SkBuff };

    /// <summary>BPF_PROG_TYPE_SCHED_ACT (4): tc action, as <see cref="SchedCls"/>.</summary>
    public static ProgramType SchedAct { get; } = SchedCls with { Name = "sched_act", KernelId = 4 };

    /// <summary>
    /// BPF_PROG_TYPE_TRACEPOINT (5): the tracepoint's record, whose size the host gives; any aligned load after its
    /// 8-byte common header, no stores.
    /// </summary>
    public static ProgramType Tracepoint { get; } = new("tracepoint", 5, TracingContexts.MaxTracepointRecord, TracingContexts.TracepointRecord,
        PacketLayout.None, NoCodes) { Layout = ContextLayout.Record };

    /// <summary>BPF_PROG_TYPE_XDP (6): <c>struct xdp_md</c>; egress_ifindex only for devmap programs; nothing writable.</summary>
    public static ProgramType Xdp { get; } = new("xdp", 6, 24,
    [
        new("data", 0, 4, ContextFieldKind.PacketStart),
        new("data_end", 4, 4, ContextFieldKind.PacketEnd),
        new("data_meta", 8, 4, ContextFieldKind.PacketMeta),
        new("ingress_ifindex", 12, 4),
        new("rx_queue_index", 16, 4),
        new("egress_ifindex", 20, 4) { AttachTypes = [AttachTypeId.XdpDevmap] },
    ], PacketLayout.Xdp, new Dictionary<uint, string>
    {
        [0] = "XDP_ABORTED", [1] = "XDP_DROP", [2] = "XDP_PASS", [3] = "XDP_TX", [4] = "XDP_REDIRECT",
    }) { Input = ContextInput.XdpMd };

    /// <summary>BPF_PROG_TYPE_PERF_EVENT (7): <c>struct bpf_perf_event_data</c>.</summary>
    public static ProgramType PerfEvent { get; } = new("perf_event", 7, TracingContexts.PerfEventDataSize, TracingContexts.PerfEventData,
        PacketLayout.None, NoCodes);

    /// <summary>BPF_PROG_TYPE_CGROUP_SKB (8): <c>struct __sk_buff</c> from the network header; returns 0 (drop) or 1 (allow), egress also 2 and 3 (congestion notification).</summary>
    public static ProgramType CgroupSkb { get; } = new("cgroup_skb", 8, SkBuffContext.Size, SkBuffContext.Fields(SkBuffRules.CgroupSkb),
        PacketLayout.SkbFromNetworkLayer, NoCodes)
    {
        Input = ContextInput.SkBuff, ReturnRange = ProgramTypes.ReturnRange.Verdict,
        ReturnRangeByAttachType = new Dictionary<AttachTypeId, ReturnRange> { [AttachTypeId.CgroupInetEgress] = new(0, 3) },
    };

    /// <summary>BPF_PROG_TYPE_CGROUP_SOCK (9): <c>struct bpf_sock</c>; returns 0 (deny) or 1 (allow).</summary>
    public static ProgramType CgroupSock { get; } = new("cgroup_sock", 9, SocketContexts.SockSize, SocketContexts.Sock, PacketLayout.None, NoCodes)
    {
        ReturnRange = ProgramTypes.ReturnRange.Verdict,
    };

    /// <summary>BPF_PROG_TYPE_LWT_IN (10): lightweight tunnel input, <c>struct __sk_buff</c> from the network header.</summary>
    public static ProgramType LwtIn { get; } = new("lwt_in", 10, SkBuffContext.Size, SkBuffContext.Fields(SkBuffRules.LightweightTunnel),
        PacketLayout.SkbFromNetworkLayer, LwtActions) { Input = ContextInput.SkBuff };

    /// <summary>BPF_PROG_TYPE_LWT_OUT (11): lightweight tunnel output, as <see cref="LwtIn"/>.</summary>
    public static ProgramType LwtOut { get; } = LwtIn with { Name = "lwt_out", KernelId = 11 };

    /// <summary>BPF_PROG_TYPE_LWT_XMIT (12): lightweight tunnel transmit, as <see cref="LwtIn"/>.</summary>
    public static ProgramType LwtXmit { get; } = LwtIn with { Name = "lwt_xmit", KernelId = 12 };

    /// <summary>BPF_PROG_TYPE_SOCK_OPS (13): <c>struct bpf_sock_ops</c>; returns 0 or 1.</summary>
    public static ProgramType SockOps { get; } = new("sock_ops", 13, SocketContexts.SockOpsSize, SocketContexts.SockOps, PacketLayout.None, NoCodes)
    {
        ReturnRange = ProgramTypes.ReturnRange.Verdict,
    };

    /// <summary>BPF_PROG_TYPE_RAW_TRACEPOINT (17): <c>u64 args[]</c>; test runs take the arguments only.</summary>
    public static ProgramType RawTracepoint { get; } = new("raw_tracepoint", 17, 8 * TracingContexts.MaxRawTracepointArgs,
        TracingContexts.RawTracepointArgs, PacketLayout.None, NoCodes) { Input = ContextInput.RawTracepointArgs };

    /// <summary>
    /// BPF_PROG_TYPE_CGROUP_SOCK_ADDR (18): <c>struct bpf_sock_addr</c>; returns 0 or 1, recvmsg/getpeername/getsockname
    /// programs exactly 1, bind programs 0 to 3.
    /// </summary>
    public static ProgramType CgroupSockAddr { get; } = new("cgroup_sock_addr", 18, SocketContexts.SockAddrSize, SocketContexts.SockAddr,
        PacketLayout.None, NoCodes)
    {
        ReturnRange = ProgramTypes.ReturnRange.Verdict,
        ReturnRangeByAttachType = SockAddrReturnRanges(),
    };

    /// <summary>
    /// The "raw" type (user space only): the context is a memory region of known length, r1 its address and r2 its
    /// length, as <c>ebpf exec</c> runs bytecode.
    /// </summary>
    public static ProgramType Raw { get; } = new("raw", ProgramType.UserSpaceOnly, 0, [], PacketLayout.None, NoCodes)
    {
        Layout = ContextLayout.Memory, Input = ContextInput.Memory,
    };

    /// <summary>Every program type here, kernel types in id order, then the user-space ones.</summary>
    public static IReadOnlyList<ProgramType> All { get; } =
    [
        SocketFilter, Kprobe, SchedCls, SchedAct, Tracepoint, Xdp, PerfEvent, CgroupSkb, CgroupSock, LwtIn, LwtOut, LwtXmit,
        SockOps, RawTracepoint, CgroupSockAddr, Raw,
    ];

    /// <summary>
    /// The type named <paramref name="name"/>: the kernel's <c>BPF_PROG_TYPE_</c> name with or without its prefix, in
    /// any case (<c>XDP</c>, <c>sched_cls</c>, <c>BPF_PROG_TYPE_KPROBE</c>), or <c>raw</c>; null when unknown.
    /// </summary>
    public static ProgramType? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        const string prefix = "BPF_PROG_TYPE_";
        string bare = name.Trim();
        if (bare.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) bare = bare[prefix.Length..];
        return All.FirstOrDefault(t => string.Equals(t.Name, bare, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The descriptor of kernel program type <paramref name="id"/> (from a section name), or null when there is none here.</summary>
    public static ProgramType? Find(ProgramTypeId id) =>
        id == ProgramTypeId.Unspecified ? null : All.FirstOrDefault(t => t.KernelId == (int)id);

    /// <summary>The descriptor for programs in ELF section <paramref name="sectionName"/> (libbpf's conventions), or null.</summary>
    public static ProgramType? ForSection(string sectionName) => Find(SectionNames.Lookup(sectionName).ProgramType);

    private static IReadOnlyDictionary<uint, string> TcActions => new Dictionary<uint, string>
    {
        [0] = "TC_ACT_OK", [1] = "TC_ACT_RECLASSIFY", [2] = "TC_ACT_SHOT", [3] = "TC_ACT_PIPE", [4] = "TC_ACT_STOLEN",
        [5] = "TC_ACT_QUEUED", [6] = "TC_ACT_REPEAT", [7] = "TC_ACT_REDIRECT", [uint.MaxValue] = "TC_ACT_UNSPEC",
    };

    private static IReadOnlyDictionary<uint, string> LwtActions => new Dictionary<uint, string>
    {
        [0] = "BPF_OK", [2] = "BPF_DROP", [7] = "BPF_REDIRECT", [128] = "BPF_LWT_REROUTE",
    };

    private static Dictionary<AttachTypeId, ReturnRange> SockAddrReturnRanges()
    {
        var ranges = new Dictionary<AttachTypeId, ReturnRange>();
        foreach (var attach in new[]
        {
            AttachTypeId.CgroupUdp4Recvmsg, AttachTypeId.CgroupUdp6Recvmsg, AttachTypeId.CgroupUnixRecvmsg,
            AttachTypeId.CgroupInet4Getpeername, AttachTypeId.CgroupInet6Getpeername, AttachTypeId.CgroupUnixGetpeername,
            AttachTypeId.CgroupInet4Getsockname, AttachTypeId.CgroupInet6Getsockname, AttachTypeId.CgroupUnixGetsockname,
        })
            ranges[attach] = new ReturnRange(1, 1);
        ranges[AttachTypeId.CgroupInet4Bind] = new ReturnRange(0, 3);
        ranges[AttachTypeId.CgroupInet6Bind] = new ReturnRange(0, 3);
        return ranges;
    }
}
