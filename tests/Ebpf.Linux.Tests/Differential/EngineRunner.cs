using Ebpf.Runtime;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>One of our engines in one mode.</summary>
internal readonly record struct EngineConfiguration(ExecutionEngine Engine, MemoryChecks Checks)
{
    public override string ToString() => $"{Engine} ({Checks.ToString().ToLowerInvariant()})";
}

/// <summary>
/// Runs a generated program on one of our engines, its memory (and packet) the packet the kernel's program sees.
/// </summary>
internal static class EngineRunner
{
    /// <summary>
    /// Every engine and mode the differential tests hold against the kernel. Unchecked compiled code is only for
    /// programs a verifier accepted, and every program here is one the kernel's verifier accepted.
    /// </summary>
    public static readonly EngineConfiguration[] All =
    [
        new(ExecutionEngine.Interpreter, MemoryChecks.Checked),
        new(ExecutionEngine.Jit, MemoryChecks.Checked),
        new(ExecutionEngine.Jit, MemoryChecks.Unchecked),
    ];

    public static ulong Run(GeneratedProgram program, EngineConfiguration configuration)
    {
        var options = new ExecutionOptions { InstructionBudget = 1_000_000, MemoryChecks = configuration.Checks };
        var prepared = ExecutionEngines.Prepare(configuration.Engine, program.Bytecode, options, out string? fallbackReason);
        // A JIT that quietly hands the program to the interpreter would leave the JIT untested.
        if (fallbackReason is not null)
            throw new InvalidOperationException($"{configuration} did not run the program itself: {fallbackReason}");
        return prepared.Run(KernelOracle.Packet);
    }
}
