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

    /// <summary>
    /// <c>le32</c> must truncate to 32 bits a value that a 64-bit atomic fetch left in the register (the kernel
    /// differential test's minimised program, seed e8OlNHOpH932).
    /// </summary>
    [Theory]
    [InlineData(MemoryChecks.Checked)]
    [InlineData(MemoryChecks.Unchecked)]
    public void Le32_truncates_the_result_of_a_64_bit_atomic_fetch(MemoryChecks checks)
    {
        var program = Assembler.Assemble("""
            r0 = -0x76543211
            r1 = -0xb6
            w2 = -0x4361a
            w3 = -0x76543211
            r4 = -0x16 ll
            r5 = 0x2
            r6 = -0x4231
            r7 = 0xffff
            r8 = 0x100 ll
            r9 = 0x100000001 ll
            *(u64 *)(r10 - 0x10) = -0xb6c
            *(u64 *)(r10 - 0x18) = r6
            *(u64 *)(r10 - 0x20) = 0x7f
            *(u64 *)(r10 - 0x28) = 0x3f
            *(u64 *)(r10 - 0x30) = r4
            *(u64 *)(r10 - 0x38) = r7
            *(u64 *)(r10 - 0x40) = r2
            *(u64 *)(r10 - 0x48) = 0x5fbc
            *(u32 *)(r10 - 0x3c) = r8
            r3 = atomic_fetch_add((u64 *)(r10 - 0x40), r3)
            r0 = *(u8 *)(r10 - 0x18)
            r7 = *(s32 *)(r10 - 0x48)
            r0 = cmpxchg_64(r10 - 0x10, r0, r5)
            r3 = le32 r3
            lock *(u64 *)(r10 - 0x10) += r3
            r1 = *(u64 *)(r10 - 0x10)
            r0 ^= r1
            exit
            """);
        var compiled = ExecutionEngines.Prepare(ExecutionEngine.Jit, program, new ExecutionOptions { MemoryChecks = checks });
        Assert.Equal(0xffffffff00044aeeUL, ExecutionEngines.Prepare(ExecutionEngine.Interpreter, program).Run([]));
        Assert.Equal(0xffffffff00044aeeUL, compiled.Run([]));
    }
}
