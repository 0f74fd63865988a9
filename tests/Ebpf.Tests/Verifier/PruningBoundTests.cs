using Ebpf.Isa;
using Ebpf.Isa.Text;
using Ebpf.ProgramTypes;
using Ebpf.Verifier;

namespace Ebpf.Tests.Verifier;

/// <summary>
/// State pruning stays bounded on loops that never reach an equal state: the kernel's <c>is_state_visited</c> stores a
/// state inside a loop only every 20 jumps or 100 instructions and evicts stored states that keep missing, so each visit
/// of a pruning point compares against a handful of states and the one-million-instruction budget ends the walk.
/// </summary>
public class PruningBoundTests
{
    /// <summary>
    /// A mutated soundness-test program (the jump at 13 was retargeted): a packet pointer advances by 23 on every turn
    /// of a loop that only ends when it is inside the packet. Before the bound, its states piled up at instruction 12
    /// and every visit compared against all of them (and walked the checkpoint chain for each): hours of verification.
    /// </summary>
    private const string PointerWalkingLoop = """
        r0 = 0
        r3 = 0
        r4 = 0
        r5 = 3
        if r2 <= 34 goto +0
        r4 -= r5
        r5 &= 15
        r3 = r1
        r3 += r5
        r4 = r1
        r4 += r2
        r3 = r1
        r3 += 23
        if r3 > r4 goto -2
        if r0 == 23 goto +0
        r0 = 0
        exit
        """;

    [Fact]
    public void A_loop_of_ever_new_states_runs_out_of_budget_with_few_states_alive()
    {
        var result = ProgramVerifier.VerifyRaw(Assembler.Assemble(PointerWalkingLoop));

        Assert.False(result.Accepted);
        Assert.Equal(RejectionReason.TooComplex, result.Reason);
        Assert.Equal(14, result.Instruction);
        Assert.Equal(VerifierOptions.DefaultInstructionBudget + 1, result.Statistics.ProcessedInstructions);
        // One state every 100 instructions inside the loop; misses evict all but the newest few.
        Assert.Equal(16_670, result.Statistics.States);
        Assert.Equal(7, result.Statistics.PeakStates);
    }

    [Fact]
    public void The_kernels_most_abusive_loop_is_too_complex_with_few_states_alive()
    {
        // kernel/bpf/verifier.c names it: "r1 += 1; if r1 < 1000000 goto pc-2" (every turn a new state).
        var result = ProgramVerifier.VerifyRaw(Assembler.Assemble("""
            r1 = 0
            r1 += 1
            if r1 < 1000000 goto -2
            r0 = 0
            exit
            """));

        Assert.Equal(RejectionReason.TooComplex, result.Reason);
        Assert.Equal(VerifierOptions.DefaultInstructionBudget + 1, result.Statistics.ProcessedInstructions);
        Assert.InRange(result.Statistics.PeakStates, 1, 8);
    }

    [Fact]
    public void A_loop_that_comes_back_to_its_own_state_is_still_an_infinite_loop()
    {
        // Eviction must not lose the states of the current path that detect it.
        var result = ProgramVerifier.VerifyRaw(Assembler.Assemble("""
            r0 = 0
            r3 = 5
            r3 &= 1
            if r3 != 7 goto -2
            exit
            """));

        Assert.Equal(RejectionReason.InfiniteLoop, result.Reason);
        Assert.True(result.Statistics.ProcessedInstructions < 100, $"{result.Statistics.ProcessedInstructions} instructions processed");
    }

    /// <summary>
    /// A socket filter that reads skb->len and tests it <paramref name="jumps"/> times in a row: each test can go
    /// either way, so the first path down leaves one branch per test waiting.
    /// </summary>
    public static Bytecode JumpChain(int jumps) => Assembler.Assemble("r6 = r1\n" +
        string.Concat(Enumerable.Range(0, jumps).Select(_ => "r0 = *(u32 *)(r6 + 0)\nif r0 > 5 goto +0\n")) + "r0 = 0\nexit\n");

    [Fact]
    public void More_than_8192_waiting_branches_are_too_complex_as_in_the_kernel()
    {
        var tooMany = ProgramVerifier.Verify(JumpChain(8193), ProgramTypeId.SocketFilter);
        Assert.Equal(RejectionReason.TooComplex, tooMany.Reason);
        Assert.Equal(1 + 2 * 8192 + 1, tooMany.Instruction);
        Assert.StartsWith("The sequence of 8193 jumps is too complex", tooMany.Problem, StringComparison.Ordinal);

        Assert.True(ProgramVerifier.Verify(JumpChain(8192), ProgramTypeId.SocketFilter).Accepted);
    }
}
