namespace Ebpf.Linux.Syscalls;

/// <summary>Program types, numbered as in <c>enum bpf_prog_type</c> of <c>linux/bpf.h</c>.</summary>
internal enum BpfProgramType : uint
{
    /// <summary>BPF_PROG_TYPE_UNSPEC: not a loadable type.</summary>
    Unspecified = 0,
    /// <summary>BPF_PROG_TYPE_SOCKET_FILTER: filters packets on a socket; the context is a <c>__sk_buff</c>.</summary>
    SocketFilter = 1,
    /// <summary>BPF_PROG_TYPE_KPROBE.</summary>
    Kprobe = 2,
    /// <summary>BPF_PROG_TYPE_SCHED_CLS: traffic control classifier.</summary>
    SchedClassifier = 3,
    /// <summary>BPF_PROG_TYPE_SCHED_ACT: traffic control action.</summary>
    SchedAction = 4,
    /// <summary>BPF_PROG_TYPE_TRACEPOINT.</summary>
    Tracepoint = 5,
    /// <summary>BPF_PROG_TYPE_XDP.</summary>
    Xdp = 6,
}
