namespace Ebpf.Linux.Programs;

/// <summary>What one <c>BPF_PROG_TEST_RUN</c> reported.</summary>
/// <param name="ReturnValue">The program's return value: the low 32 bits of r0 (the kernel reports no more).</param>
/// <param name="DurationNanoseconds">The mean time of one run, in nanoseconds, as the kernel measured it.</param>
/// <param name="DataOut">The packet data after the run.</param>
public readonly record struct TestRunResult(uint ReturnValue, uint DurationNanoseconds, byte[] DataOut)
{
    /// <summary>The context after the run (<c>ctx_out</c>), when one was asked for; null otherwise.</summary>
    public byte[]? ContextOut { get; init; }
}
