using CsCheck;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Generated programs run in the kernel and on each of our engines (interpreter and JIT) must leave the same
/// 64-bit r0. CsCheck picks a new
/// seed each run and, on a failure, shrinks the program and prints the seed to pass back as <c>seed:</c> (or
/// through the CsCheck_Seed environment variable) with the failing program's bytes and instructions, and a
/// minimized version of it. EBPF_DIFFERENTIAL_SCALE=N runs N times as many programs, for a soak.
/// </summary>
public class DifferentialTests(ITestOutputHelper output)
{
    private static readonly long Scale =
        long.TryParse(Environment.GetEnvironmentVariable("EBPF_DIFFERENTIAL_SCALE"), out long scale) && scale > 0 ? scale : 1;

    private void KernelAndEnginesAgree(Gen<GeneratedProgram> programs, long baseCount)
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
        output.WriteLine($"{compared} programs compared with the kernel on each of {string.Join(", ", EngineRunner.All)}: all matched");
        Assert.Equal(count, compared);
    }

    /// <summary>
    /// What differs between the kernel and our engines on <paramref name="program"/>, or null when they agree.
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
        foreach (var engine in EngineRunner.All)
        {
            try
            {
                ulong ours = EngineRunner.Run(program, engine);
                if (kernel != ours) return $"r0 differs: kernel 0x{kernel:x16}, {engine} 0x{ours:x16}";
            }
            catch (Exception e) when (e is EbpfException or InvalidOperationException)
            {
                return $"the kernel returned 0x{kernel:x16}, {engine} threw {e.GetType().Name}: {e.Message}";
            }
        }
        return null;
    }

    [Fact]
    public void Arithmetic() => KernelAndEnginesAgree(StraightLinePrograms.Arithmetic, 4000);

    [Fact]
    public void DivisionAndModulo() => KernelAndEnginesAgree(StraightLinePrograms.Divisions, 2000);

    [Fact]
    public void ShiftsByteSwapsAndSignExtension() => KernelAndEnginesAgree(StraightLinePrograms.ShiftsSwapsAndExtensions, 2000);

    [Fact]
    public void Branches() => KernelAndEnginesAgree(BranchPrograms.Branches, 3000);

    [Fact]
    public void StackAndAtomics() => KernelAndEnginesAgree(StackPrograms.StackAndAtomics, 3000);

    [Fact]
    public void BpfToBpfCalls() => KernelAndEnginesAgree(CallPrograms.Calls, 2000);

    [Fact]
    public void BpfLoopCallbacks() => KernelAndEnginesAgree(CallbackPrograms.Callbacks, 1000);

    [Fact]
    public void LegacyPacketLoads() => KernelAndEnginesAgree(PacketPrograms.PacketLoads, 2000);

    [Fact]
    public void BranchesOverStackAndAtomics() => KernelAndEnginesAgree(BranchPrograms.BranchesOverStack, 3000);
}
