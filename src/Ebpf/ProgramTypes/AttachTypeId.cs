namespace Ebpf.ProgramTypes;

/// <summary>Where a program attaches, with the ids of <c>enum bpf_attach_type</c> in the Linux UAPI header <c>linux/bpf.h</c>.</summary>
public enum AttachTypeId : uint
{
    /// <summary>BPF_CGROUP_INET_INGRESS.</summary>
    CgroupInetIngress = 0,
    /// <summary>BPF_CGROUP_INET_EGRESS.</summary>
    CgroupInetEgress = 1,
    /// <summary>BPF_CGROUP_INET_SOCK_CREATE.</summary>
    CgroupInetSockCreate = 2,
    /// <summary>BPF_CGROUP_SOCK_OPS.</summary>
    CgroupSockOps = 3,
    /// <summary>BPF_SK_SKB_STREAM_PARSER.</summary>
    SkSkbStreamParser = 4,
    /// <summary>BPF_SK_SKB_STREAM_VERDICT.</summary>
    SkSkbStreamVerdict = 5,
    /// <summary>BPF_CGROUP_DEVICE.</summary>
    CgroupDevice = 6,
    /// <summary>BPF_SK_MSG_VERDICT.</summary>
    SkMsgVerdict = 7,
    /// <summary>BPF_CGROUP_INET4_BIND.</summary>
    CgroupInet4Bind = 8,
    /// <summary>BPF_CGROUP_INET6_BIND.</summary>
    CgroupInet6Bind = 9,
    /// <summary>BPF_CGROUP_INET4_CONNECT.</summary>
    CgroupInet4Connect = 10,
    /// <summary>BPF_CGROUP_INET6_CONNECT.</summary>
    CgroupInet6Connect = 11,
    /// <summary>BPF_CGROUP_INET4_POST_BIND.</summary>
    CgroupInet4PostBind = 12,
    /// <summary>BPF_CGROUP_INET6_POST_BIND.</summary>
    CgroupInet6PostBind = 13,
    /// <summary>BPF_CGROUP_UDP4_SENDMSG.</summary>
    CgroupUdp4Sendmsg = 14,
    /// <summary>BPF_CGROUP_UDP6_SENDMSG.</summary>
    CgroupUdp6Sendmsg = 15,
    /// <summary>BPF_LIRC_MODE2.</summary>
    LircMode2 = 16,
    /// <summary>BPF_FLOW_DISSECTOR.</summary>
    FlowDissector = 17,
    /// <summary>BPF_CGROUP_SYSCTL.</summary>
    CgroupSysctl = 18,
    /// <summary>BPF_CGROUP_UDP4_RECVMSG.</summary>
    CgroupUdp4Recvmsg = 19,
    /// <summary>BPF_CGROUP_UDP6_RECVMSG.</summary>
    CgroupUdp6Recvmsg = 20,
    /// <summary>BPF_CGROUP_GETSOCKOPT.</summary>
    CgroupGetsockopt = 21,
    /// <summary>BPF_CGROUP_SETSOCKOPT.</summary>
    CgroupSetsockopt = 22,
    /// <summary>BPF_TRACE_RAW_TP.</summary>
    TraceRawTracepoint = 23,
    /// <summary>BPF_TRACE_FENTRY.</summary>
    TraceFentry = 24,
    /// <summary>BPF_TRACE_FEXIT.</summary>
    TraceFexit = 25,
    /// <summary>BPF_MODIFY_RETURN.</summary>
    ModifyReturn = 26,
    /// <summary>BPF_LSM_MAC.</summary>
    LsmMac = 27,
    /// <summary>BPF_TRACE_ITER.</summary>
    TraceIterator = 28,
    /// <summary>BPF_CGROUP_INET4_GETPEERNAME.</summary>
    CgroupInet4Getpeername = 29,
    /// <summary>BPF_CGROUP_INET6_GETPEERNAME.</summary>
    CgroupInet6Getpeername = 30,
    /// <summary>BPF_CGROUP_INET4_GETSOCKNAME.</summary>
    CgroupInet4Getsockname = 31,
    /// <summary>BPF_CGROUP_INET6_GETSOCKNAME.</summary>
    CgroupInet6Getsockname = 32,
    /// <summary>BPF_XDP_DEVMAP.</summary>
    XdpDevmap = 33,
    /// <summary>BPF_CGROUP_INET_SOCK_RELEASE.</summary>
    CgroupInetSockRelease = 34,
    /// <summary>BPF_XDP_CPUMAP.</summary>
    XdpCpumap = 35,
    /// <summary>BPF_SK_LOOKUP.</summary>
    SkLookup = 36,
    /// <summary>BPF_XDP.</summary>
    Xdp = 37,
    /// <summary>BPF_SK_SKB_VERDICT.</summary>
    SkSkbVerdict = 38,
    /// <summary>BPF_SK_REUSEPORT_SELECT.</summary>
    SkReuseportSelect = 39,
    /// <summary>BPF_SK_REUSEPORT_SELECT_OR_MIGRATE.</summary>
    SkReuseportSelectOrMigrate = 40,
    /// <summary>BPF_PERF_EVENT.</summary>
    PerfEvent = 41,
    /// <summary>BPF_TRACE_KPROBE_MULTI.</summary>
    TraceKprobeMulti = 42,
    /// <summary>BPF_LSM_CGROUP.</summary>
    LsmCgroup = 43,
    /// <summary>BPF_STRUCT_OPS.</summary>
    StructOps = 44,
    /// <summary>BPF_NETFILTER.</summary>
    Netfilter = 45,
    /// <summary>BPF_TCX_INGRESS.</summary>
    TcxIngress = 46,
    /// <summary>BPF_TCX_EGRESS.</summary>
    TcxEgress = 47,
    /// <summary>BPF_TRACE_UPROBE_MULTI.</summary>
    TraceUprobeMulti = 48,
    /// <summary>BPF_CGROUP_UNIX_CONNECT.</summary>
    CgroupUnixConnect = 49,
    /// <summary>BPF_CGROUP_UNIX_SENDMSG.</summary>
    CgroupUnixSendmsg = 50,
    /// <summary>BPF_CGROUP_UNIX_RECVMSG.</summary>
    CgroupUnixRecvmsg = 51,
    /// <summary>BPF_CGROUP_UNIX_GETPEERNAME.</summary>
    CgroupUnixGetpeername = 52,
    /// <summary>BPF_CGROUP_UNIX_GETSOCKNAME.</summary>
    CgroupUnixGetsockname = 53,
    /// <summary>BPF_NETKIT_PRIMARY.</summary>
    NetkitPrimary = 54,
    /// <summary>BPF_NETKIT_PEER.</summary>
    NetkitPeer = 55,
    /// <summary>BPF_TRACE_KPROBE_SESSION.</summary>
    TraceKprobeSession = 56,
}
