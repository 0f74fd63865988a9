namespace Ebpf.TestRuns;

/// <summary>What one test run gives back, as the kernel's BPF_PROG_TEST_RUN does.</summary>
/// <param name="ReturnValue">r0 truncated to 32 bits (the kernel's <c>retval</c>).</param>
/// <param name="DataOut">The packet after the run (rewrites, adjust_head/tail applied; XDP metadata included, as the kernel copies from data_meta).</param>
/// <param name="DurationNanoseconds">Average time per run when repeated (0 for raw tracepoints, which the kernel does not time).</param>
public sealed record TestRunResult(uint ReturnValue, byte[] DataOut, long DurationNanoseconds)
{
    /// <summary>The context after the run (the kernel's <c>ctx_out</c>), or null when the run gives none back.</summary>
    public byte[]? ContextOut { get; init; }
}

/// <summary>A test run the kernel would refuse; <see cref="Errno"/> is what BPF_PROG_TEST_RUN returns.</summary>
public sealed class TestRunException : EbpfException
{
    /// <summary>Creates the exception.</summary>
    public TestRunException(int errno, string message) : base(message) => Errno = errno;

    /// <summary>The errno (EINVAL 22, E2BIG 7, …).</summary>
    public int Errno { get; }
}
