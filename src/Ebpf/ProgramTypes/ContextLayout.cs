namespace Ebpf.ProgramTypes;

/// <summary>How a program type's context may be accessed.</summary>
public enum ContextLayout
{
    /// <summary>A structure: only the listed fields, at the widths and directions each allows.</summary>
    Fields,
    /// <summary>A record of host-given size (a tracepoint's): any naturally aligned load of its readable part; no stores.</summary>
    Record,
    /// <summary>A plain memory region: r1 points at it and r2 holds its length (the "raw" type).</summary>
    Memory,
}

/// <summary>What a test run takes as the context, following the kernel's <c>BPF_PROG_TEST_RUN</c> per type (net/bpf/test_run.c).</summary>
public enum ContextInput
{
    /// <summary>
    /// A <c>struct __sk_buff</c> of which only mark, priority, ingress_ifindex, ifindex, cb, tstamp, wire_len,
    /// gso_segs, gso_size and hwtstamp may be non-zero, copied back after the run; the packet comes as data.
    /// </summary>
    SkBuff,
    /// <summary>A <c>struct xdp_md</c> saying where the packet starts after its metadata, and the receive queue.</summary>
    XdpMd,
    /// <summary>The <c>u64 args[]</c> of a raw tracepoint: at most 12 arguments, no data, no context out, no repeat.</summary>
    RawTracepointArgs,
    /// <summary>
    /// The context itself, as the host supplies it (up to the context size, zero-filled), and given back after the run.
    /// The kernel has no test run for these types: the host plays the role of the kernel's hook.
    /// </summary>
    HostSupplied,
    /// <summary>A memory region: r1 points at a copy of the bytes, r2 holds their length; the bytes are given back.</summary>
    Memory,
}
