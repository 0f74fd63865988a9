namespace Ebpf.TestRuns;

/// <summary>What one test run gives back, as the kernel's BPF_PROG_TEST_RUN does.</summary>
/// <param name="ReturnValue">r0 truncated to 32 bits (the kernel's <c>retval</c>).</param>
/// <param name="DataOut">The packet after the run (rewrites, adjust_head/tail applied; XDP metadata included, as the kernel copies from data_meta).</param>
/// <param name="DurationNanoseconds">Average time per run when repeated (0 for raw tracepoints, which the kernel does not time).</param>
public sealed record TestRunResult(uint ReturnValue, byte[] DataOut, long DurationNanoseconds)
{
    /// <summary>The context after the run (the kernel's <c>ctx_out</c>), or null when the run gives none back.</summary>
    public byte[]? ContextOut { get; init; }

    /// <summary>The target of the last <c>bpf_redirect</c> of the run, which the kernel acts on when the verdict is XDP_REDIRECT or TC_ACT_REDIRECT; null when the program called none.</summary>
    public RedirectTarget? Redirect { get; init; }
}

/// <summary>Where <c>bpf_redirect</c> sends a packet.</summary>
/// <param name="Ifindex">The target interface index.</param>
/// <param name="Flags">The flags (<c>BPF_F_INGRESS</c> = 1: to the interface's ingress instead of its egress).</param>
public sealed record RedirectTarget(uint Ifindex, ulong Flags);

/// <summary>A test run the kernel would refuse; <see cref="Errno"/> is what BPF_PROG_TEST_RUN returns.</summary>
public sealed class TestRunException : EbpfException
{
    /// <summary>Creates the exception.</summary>
    public TestRunException(int errno, string message) : base(message) => Errno = errno;

    /// <summary>The errno (EINVAL 22, E2BIG 7, …).</summary>
    public int Errno { get; }
}
