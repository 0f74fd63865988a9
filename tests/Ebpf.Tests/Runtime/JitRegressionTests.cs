using Ebpf.Isa.Text;
using Ebpf.Runtime;

namespace Ebpf.Tests.Runtime;

public class JitRegressionTests
{
    /// <summary>
    /// A successful 32-bit cmpxchg must zero-extend r0 even when r0 held a sign-extended value before: RyuJIT took the
    /// inlined <c>lock cmpxchg r32</c> result as zero-extended (found by the kernel differential tests).
    /// </summary>
    [Theory]
    [InlineData(MemoryChecks.Checked)]
    [InlineData(MemoryChecks.Unchecked)]
    public void Cmpxchg32_zero_extends_r0_after_a_successful_compare(MemoryChecks checks)
    {
        // The kernel differential test's minimised program, unchanged: the bug depends on register allocation.
        // It reproduces only with optimised library code, i.e. Release builds, which is how tools/test runs the tests.
        var program = Assembler.Assemble("""
            r0 = 65535
            r1 = 4294967296 ll
            r2 = -2 ll
            r3 = -15
            r4 = 1491821697460 ll
            r5 = -32768 ll
            r6 = 4682812418486356 ll
            r7 = 199 ll
            r8 = -160
            r9 = 196037
            *(u64 *)(r10 - 16) = -37
            *(u64 *)(r10 - 24) = r5
            *(u64 *)(r10 - 32) = -1
            *(u64 *)(r10 - 40) = 5798179
            *(u64 *)(r10 - 48) = 2
            *(u64 *)(r10 - 56) = r3
            *(u64 *)(r10 - 64) = 32
            *(u64 *)(r10 - 72) = r4
            r0 = *(s16 *)(r10 - 22)
            w0 = cmpxchg32_32(r10 - 52, w0, w4)
            exit
            """);
        var compiled = ExecutionEngines.Prepare(ExecutionEngine.Jit, program, new ExecutionOptions { MemoryChecks = checks });
        Assert.Equal(0xffffffffUL, compiled.Run([]));
        Assert.Equal(0xffffffffUL, ExecutionEngines.Prepare(ExecutionEngine.Interpreter, program).Run([]));
    }
}
