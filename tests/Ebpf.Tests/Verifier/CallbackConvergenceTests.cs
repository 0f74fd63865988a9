using Ebpf.Isa.Text;
using Ebpf.ProgramTypes;
using Ebpf.Verifier;

namespace Ebpf.Tests.Verifier;

/// <summary>
/// bpf_loop callbacks are walked as the kernel (6.8+) walks them: each iteration comes back to the call, where a forced
/// checkpoint stops iterations an earlier one covers; changed scalars are widened to unknown unless they are precise (a
/// later decision needs them exactly); and a path enters at most as many iterations as the loop count may be. Each
/// program's kernel verdict (6.18, BPF_PROG_LOAD as root) is in its test.
/// </summary>
public class CallbackConvergenceTests
{
    /// <summary>
    /// A callback counts its iterations in the caller's stack; after the loop the caller reads the count and, when it is
    /// more than <c>{limit}</c>, dereferences it (unsafe). The loop runs <c>{count}</c> times.
    /// </summary>
    private static string CountingLoop(long count, long limit, bool callerReadsTheCount = true) => $"""
        r1 = 0
        *(u64 *)(r10 - 8) = r1
        r1 = {count}
        r2 = func(cb) ll
        r3 = r10
        r3 += -8
        r4 = 0
        call 181
        {(callerReadsTheCount ? "r1 = *(u64 *)(r10 - 8)" : "r1 = 0")}
        r0 = 2
        if r1 <= {limit} goto +1
        r0 = *(u8 *)(r1 + 0)
        exit
        cb:
        r1 = *(u64 *)(r2 + 0)
        r1 += 1
        *(u64 *)(r2 + 0) = r1
        r0 = 0
        exit
        """;

    private static VerificationResult Verify(string source) => ProgramVerifier.Verify(Assembler.Assemble(source), ProgramTypeId.Xdp);

    [Fact]
    public void A_precise_counter_is_not_widened_and_stops_at_the_loop_count()
    {
        // Kernel: accepted (processed 82 insns). Widening the counter to unknown would reach the dereference.
        var result = Verify(CountingLoop(count: 7, limit: 7));

        Assert.True(result.Accepted, result.Message);
    }

    [Fact]
    public void A_precise_counter_past_the_callers_limit_reaches_the_unsafe_read()
    {
        // Kernel: "12: (71) r0 = *(u8 *)(r1 +0)  R1 invalid mem access 'scalar'" after 8 iterations.
        var result = Verify(CountingLoop(count: 1_000_000, limit: 7));

        Assert.False(result.Accepted);
        Assert.Equal(12, result.Instruction);
        Assert.Equal(RejectionReason.InvalidMemoryAccess, result.Reason);
    }

    [Fact]
    public void An_imprecise_counter_is_widened_and_the_loop_converges_at_once()
    {
        // Kernel: accepted (processed 28 insns): nothing after the loop needs the count, so its second entry widens it.
        var result = Verify(CountingLoop(count: 1_000_000, limit: 7, callerReadsTheCount: false));

        Assert.True(result.Accepted, result.Message);
        Assert.InRange(result.Statistics.ProcessedInstructions, 1, 100);
    }

    [Fact]
    public void A_precise_counter_of_a_million_iterations_runs_out_of_budget()
    {
        // Kernel: "BPF program is too large. Processed 1000001 insn" (the count never repeats, so nothing converges).
        var result = Verify(CountingLoop(count: 1_000_000, limit: 1_000_000));

        Assert.False(result.Accepted);
        Assert.Equal(RejectionReason.TooComplex, result.Reason);
        Assert.Equal(VerifierOptions.DefaultInstructionBudget + 1, result.Statistics.ProcessedInstructions);
    }

    [Fact]
    public void A_sum_of_unknown_indices_compared_after_the_loop_is_widened_once_it_is_no_longer_a_constant()
    {
        // Kernel: accepted (processed 30 insns). The comparison after the loop decides only while the sum is a constant
        // (zero iterations), so from the second iteration on the sum is imprecise and widened; kept exact it would grow
        // for a million iterations and run out of budget.
        var result = Verify("""
            r1 = 0
            *(u64 *)(r10 - 8) = r1
            r1 = 1000000
            r2 = func(cb) ll
            r3 = r10
            r3 += -8
            r4 = 0
            call 181
            r1 = *(u64 *)(r10 - 8)
            r0 = 2
            if r1 != 45 goto +1
            r0 = 1
            exit
            cb:
            r3 = *(u64 *)(r2 + 0)
            r3 += r1
            *(u64 *)(r2 + 0) = r3
            r0 = 0
            exit
            """);

        Assert.True(result.Accepted, result.Message);
        Assert.InRange(result.Statistics.ProcessedInstructions, 1, 100);
    }
}
