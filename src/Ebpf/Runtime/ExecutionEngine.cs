using Ebpf.Isa;

namespace Ebpf.Runtime;

/// <summary>The engines that can run a program.</summary>
public enum ExecutionEngine
{
    /// <summary>The reference interpreter (<see cref="Runtime.Interpreter"/>).</summary>
    Interpreter,
}

/// <summary>Prepares programs on a chosen engine.</summary>
public static class ExecutionEngines
{
    /// <summary>The names of the engines, as the CLI's <c>--engine</c> option spells them.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetNames<ExecutionEngine>().Select(n => n.ToLowerInvariant()).ToArray();

    /// <summary>Validates and prepares <paramref name="program"/> on <paramref name="engine"/>.</summary>
    public static IExecutableProgram Prepare(ExecutionEngine engine, Bytecode program, ExecutionOptions? options = null) => engine switch
    {
        ExecutionEngine.Interpreter => new Interpreter(program, options),
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "unknown engine"),
    };

    /// <summary>Parses an engine name (case-insensitive).</summary>
    public static bool TryParse(string name, out ExecutionEngine engine) =>
        Enum.TryParse(name, ignoreCase: true, out engine) && Enum.IsDefined(engine);
}
