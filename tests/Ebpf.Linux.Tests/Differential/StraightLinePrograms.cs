using CsCheck;
using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>Straight-line arithmetic programs: register setup, arithmetic, fold.</summary>
internal static class StraightLinePrograms
{
    private static Gen<GeneratedProgram> StraightLine(string kind, Gen<Instruction> step, int minSteps, int maxSteps) =>
        from init in ProgramParts.InitialiseRegisters
        from body in step.Array[minSteps, maxSteps]
        select new GeneratedProgram(kind, [.. init, .. body, .. ProgramParts.FoldAndExit([])]);

    /// <summary>Straight-line programs of any arithmetic.</summary>
    public static readonly Gen<GeneratedProgram> Arithmetic = StraightLine("arithmetic", AluGenerators.Any, 1, 40);

    /// <summary>Straight-line programs of divisions and modulos, with moves and negations to vary the operands.</summary>
    public static readonly Gen<GeneratedProgram> Divisions = StraightLine("division",
        Gen.Frequency((4, AluGenerators.Division), (1, AluGenerators.Plain), (1, AluGenerators.Negate)), 1, 25);

    /// <summary>Straight-line programs of shifts, byte swaps and sign-extending moves.</summary>
    public static readonly Gen<GeneratedProgram> ShiftsSwapsAndExtensions = StraightLine("shift/swap/movsx",
        Gen.Frequency((3, AluGenerators.Shift), (3, AluGenerators.ByteSwap), (3, AluGenerators.SignExtendingMove), (1, AluGenerators.Plain)), 1, 25);
}
