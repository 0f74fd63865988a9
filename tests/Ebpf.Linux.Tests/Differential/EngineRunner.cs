using Ebpf.Runtime;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Runs a generated program on one of our engines, its memory (and packet) the packet the kernel's program sees.
/// </summary>
internal static class EngineRunner
{
    /// <summary>Every engine the differential tests hold against the kernel.</summary>
    public static readonly ExecutionEngine[] All = Enum.GetValues<ExecutionEngine>();

    public static ulong Run(GeneratedProgram program, ExecutionEngine engine)
    {
        var prepared = ExecutionEngines.Prepare(engine, program.Bytecode,
            new ExecutionOptions { InstructionBudget = 1_000_000 }, out string? fallbackReason);
        // A JIT that quietly hands the program to the interpreter would leave the JIT untested.
        if (fallbackReason is not null)
            throw new InvalidOperationException($"{engine} did not run the program itself: {fallbackReason}");
        return prepared.Run(KernelOracle.Packet);
    }
}
