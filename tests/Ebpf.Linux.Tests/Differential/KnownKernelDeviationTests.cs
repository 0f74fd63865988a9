using Ebpf.Isa;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Our interpreter must give the RFC's answer on the programs where the kernel does not; the kernel must give
/// either the RFC's answer (fixed: the workaround in the branch generators can go) or the known wrong one
/// (anything else is news).
/// </summary>
public class KnownKernelDeviationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Deviations => new() { "cmpxchg32", "fetch_or" };

    private static (Instruction[] Program, ulong Expected, ulong Known) Case(string name) => name switch
    {
        "cmpxchg32" => (KnownKernelDeviations.Cmpxchg32WithoutZeroExtension(),
            KnownKernelDeviations.Cmpxchg32Expected, KnownKernelDeviations.Cmpxchg32OnLinux618),
        _ => (KnownKernelDeviations.FetchedValueLosesPrecision(),
            KnownKernelDeviations.FetchedValueExpected, KnownKernelDeviations.FetchedValueOnLinux618),
    };

    [Theory]
    [MemberData(nameof(Deviations))]
    public void OurEnginesFollowTheRfc(string name)
    {
        var (program, expected, _) = Case(name);
        foreach (var engine in EngineRunner.All)
            Assert.Equal(expected, EngineRunner.Run(new GeneratedProgram(name, program), engine));
    }

    [Theory]
    [MemberData(nameof(Deviations))]
    public void KernelIsEitherFixedOrTheKnownDeviation(string name)
    {
        if (KernelRequirement.Missing(output)) return;
        var (program, expected, known) = Case(name);
        ulong kernel = KernelOracle.Run(new GeneratedProgram(name, program));
        output.WriteLine(kernel == expected
            ? $"fixed: this kernel returns the RFC's 0x{expected:x16}"
            : $"known deviation: this kernel returns 0x{kernel:x16}, the RFC says 0x{expected:x16}");
        Assert.Contains(kernel, new[] { expected, known });
    }
}
