using CsCheck;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Generated programs run in the kernel and in our interpreter must leave the same 64-bit r0. CsCheck picks a new
/// seed each run and, on a failure, shrinks the program and prints the seed to pass back as <c>seed:</c> (or
/// through the CsCheck_Seed environment variable) with the failing program's bytes and instructions, and a
/// minimized version of it. EBPF_DIFFERENTIAL_SCALE=N runs N times as many programs, for a soak.
/// </summary>
public class DifferentialTests(ITestOutputHelper output)
{
    private static readonly long Scale =
        long.TryParse(Environment.GetEnvironmentVariable("EBPF_DIFFERENTIAL_SCALE"), out long scale) && scale > 0 ? scale : 1;

    private void KernelAndInterpreterAgree(Gen<GeneratedProgram> programs, long baseCount)
    {
        if (KernelRequirement.Missing(output)) return;
        long count = baseCount * Scale;
        long compared = 0;
        programs.Sample(program =>
        {
            if (Disagreement(program) is { } difference)
            {
                var minimal = ProgramMinimizer.Minimize(program, candidate => Disagreement(candidate, tolerateRejection: true) is not null);
                throw new Xunit.Sdk.XunitException(
                    $"{difference}\nminimized to {minimal.Instructions.Length} slots, where {Disagreement(minimal, tolerateRejection: true)}:\n{minimal}");
            }
            Interlocked.Increment(ref compared);
        }, iter: count, writeLine: output.WriteLine, print: p => p.ToString());
        output.WriteLine($"{compared} programs compared, all matched");
        Assert.Equal(count, compared);
    }

    /// <summary>
    /// What differs between the kernel and the interpreter on <paramref name="program"/>, or null when they agree.
    /// A verifier rejection is a generator bug and throws with the log, unless <paramref name="tolerateRejection"/>
    /// (the minimizer's candidates may well be rejected: they count as not failing).
    /// </summary>
    private static string? Disagreement(GeneratedProgram program, bool tolerateRejection = false)
    {
        ulong kernel;
        try
        {
            kernel = KernelOracle.Run(program);
        }
        catch (KernelErrorException) when (tolerateRejection)
        {
            return null;
        }
        try
        {
            ulong ours = InterpreterRunner.Run(program);
            return kernel == ours ? null : $"r0 differs: kernel 0x{kernel:x16}, interpreter 0x{ours:x16}";
        }
        catch (EbpfException e)
        {
            return $"the kernel returned 0x{kernel:x16}, the interpreter threw {e.GetType().Name}: {e.Message}";
        }
    }

    [Fact]
    public void Arithmetic() => KernelAndInterpreterAgree(StraightLinePrograms.Arithmetic, 4000);

    [Fact]
    public void DivisionAndModulo() => KernelAndInterpreterAgree(StraightLinePrograms.Divisions, 2000);

    [Fact]
    public void ShiftsByteSwapsAndSignExtension() => KernelAndInterpreterAgree(StraightLinePrograms.ShiftsSwapsAndExtensions, 2000);

    [Fact]
    public void Branches() => KernelAndInterpreterAgree(BranchPrograms.Branches, 3000);

    [Fact]
    public void StackAndAtomics() => KernelAndInterpreterAgree(StackPrograms.StackAndAtomics, 3000);

    [Fact]
    public void LegacyPacketLoads() => KernelAndInterpreterAgree(PacketPrograms.PacketLoads, 2000);

    [Fact]
    public void BranchesOverStackAndAtomics() => KernelAndInterpreterAgree(BranchPrograms.BranchesOverStack, 3000);
}
