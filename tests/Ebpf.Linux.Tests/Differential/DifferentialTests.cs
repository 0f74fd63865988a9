using CsCheck;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Generated programs run in the kernel and in our interpreter must leave the same 64-bit r0. CsCheck picks a new
/// seed each run and, on a failure, shrinks the program and prints the seed to pass back as <c>seed:</c> (or
/// through the CsCheck_Seed environment variable) with the failing program's bytes and instructions.
/// </summary>
public class DifferentialTests(ITestOutputHelper output)
{
    private void KernelAndInterpreterAgree(Gen<GeneratedProgram> programs, long count)
    {
        if (KernelRequirement.Missing(output)) return;
        long compared = 0;
        programs.Sample(program =>
        {
            ulong kernel = KernelOracle.Run(program);
            ulong ours = InterpreterRunner.Run(program);
            if (kernel != ours)
                throw new Xunit.Sdk.XunitException($"r0 differs: kernel 0x{kernel:x16}, interpreter 0x{ours:x16}");
            Interlocked.Increment(ref compared);
        }, iter: count, writeLine: output.WriteLine, print: p => p.ToString());
        output.WriteLine($"{compared} programs compared, all matched");
        Assert.Equal(count, compared);
    }

    [Fact]
    public void Arithmetic() => KernelAndInterpreterAgree(StraightLinePrograms.Arithmetic, 2000);

    [Fact]
    public void DivisionAndModulo() => KernelAndInterpreterAgree(StraightLinePrograms.Divisions, 1000);

    [Fact]
    public void ShiftsByteSwapsAndSignExtension() => KernelAndInterpreterAgree(StraightLinePrograms.ShiftsSwapsAndExtensions, 1000);

    [Fact]
    public void Branches() => KernelAndInterpreterAgree(BranchPrograms.Branches, 1500);

    [Fact]
    public void StackAndAtomics() => KernelAndInterpreterAgree(StackPrograms.StackAndAtomics, 1500);
}
