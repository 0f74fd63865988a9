namespace Ebpf.Runtime;

/// <summary>A program prepared by an engine (interpreted or compiled), ready to run any number of times.</summary>
public interface IExecutableProgram
{
    /// <summary>The engine's name, as the CLI's <c>--engine</c> option spells it.</summary>
    string EngineName { get; }

    /// <summary>Runs the program once with the given context and returns r0.</summary>
    /// <exception cref="ProgramFaultException">The run was stopped (memory fault, budget, call depth, helper error).</exception>
    ulong Run(RunContext context);
}

/// <summary>Conveniences shared by every engine.</summary>
public static class ExecutableProgramExtensions
{
    /// <summary>
    /// Runs the program on a block of memory, as <c>ebpf exec</c> and the conformance suite do: r1 points to the
    /// memory (0 when it is empty), r2 is its length, and the memory is also the packet of legacy packet loads.
    /// </summary>
    public static ulong Run(this IExecutableProgram program, Span<byte> memory) => program.Run(memory, new RunContext());

    /// <summary>The same, reusing <paramref name="context"/> (no allocation per run).</summary>
    public static unsafe ulong Run(this IExecutableProgram program, Span<byte> memory, RunContext context)
    {
        fixed (byte* start = memory)
        {
            context.ResetForMemory((nint)start, memory.Length);
            return program.Run(context);
        }
    }
}
