using Ebpf.Isa.Text;
using Ebpf.ProgramTypes;
using Ebpf.Verifier;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Verifier;

/// <summary>The kernel's cap on branches waiting to be explored (BPF_COMPLEXITY_LIMIT_JMP_SEQ) is where ours is.</summary>
public class PruningBoundKernelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(8192)]
    [InlineData(8193)]
    public void A_chain_of_undecided_tests_is_too_complex_exactly_where_the_kernel_says(int jumps)
    {
        if (KernelRequirement.Missing(output)) return;
        // As Ebpf.Tests' PruningBoundTests.JumpChain: skb->len tested again and again, each test undecided.
        var program = Assembler.Assemble("r6 = r1\n" +
            string.Concat(Enumerable.Range(0, jumps).Select(_ => "r0 = *(u32 *)(r6 + 0)\nif r0 > 5 goto +0\n")) + "r0 = 0\nexit\n");
        var kernel = KernelVerifier.Load(program, ProgramTypeId.SocketFilter, null, "GPL", "jump_chain");
        var ours = ProgramVerifier.Verify(program, ProgramTypeId.SocketFilter);
        output.WriteLine($"{jumps} tests: kernel {(kernel.Accepted ? "accept" : $"reject errno {kernel.Errno}")} ({kernel.Log.Trim().Split('\n')[^1]}), ours {(ours.Accepted ? "accept" : ours.Problem)}");
        Assert.Equal(kernel.Accepted, ours.Accepted);
        if (!kernel.Accepted) Assert.Contains("The sequence of 8193 jumps is too complex", kernel.Log, StringComparison.Ordinal);
    }
}
