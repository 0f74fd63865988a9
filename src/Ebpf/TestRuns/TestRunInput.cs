namespace Ebpf.TestRuns;

/// <summary>
/// The input of one test run, as the fields of the kernel's <c>BPF_PROG_TEST_RUN</c> attribute: the packet
/// (<c>data_in</c>), the context (<c>ctx_in</c>), whether the context comes back (<c>ctx_out</c>), and the repeat count.
/// </summary>
public sealed record TestRunInput
{
    /// <summary>The packet, Ethernet header first; empty for context-only program types.</summary>
    public byte[] Data { get; init; } = [];

    /// <summary>The context in (<c>ctx_in</c>), or null for none: for skb types a <c>__sk_buff</c>, for XDP an <c>xdp_md</c>, for others the context itself.</summary>
    public byte[]? ContextIn { get; init; }

    /// <summary>
    /// Whether the context is given back (the kernel's <c>ctx_out</c>). As in the kernel, a packet run with either a
    /// context in or a context out has a context (zeros when none was given), which changes what some fields read.
    /// </summary>
    public bool ContextOut { get; init; }

    /// <summary>How many times to run (the duration is the mean); 1 runs once.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>The processor slot the run uses (per-CPU maps, <c>bpf_get_smp_processor_id</c>).</summary>
    public int ProcessorSlot { get; init; }

    /// <summary>
    /// A run context to use, for the host's settings (<see cref="Runtime.RunContext.TraceSink"/>,
    /// <see cref="Runtime.RunContext.Task"/>, <see cref="Runtime.RunContext.ProbeMemory"/>); the test run clears and fills
    /// everything else, and clears it again when the run ends. Null: a fresh one.
    /// </summary>
    public Runtime.RunContext? Context { get; init; }

    /// <summary>Whether the kernel would build a context structure for this run: <c>ctx_in</c> or <c>ctx_out</c> given.</summary>
    public bool HasContext => ContextIn is not null || ContextOut;
}
