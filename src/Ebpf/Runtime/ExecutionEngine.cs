using Ebpf.Isa;

namespace Ebpf.Runtime;

/// <summary>The engines that can run a program.</summary>
public enum ExecutionEngine
{
    /// <summary>The compiler to native code through IL (<see cref="Jit.JitProgram"/>); the default.</summary>
    Jit,
    /// <summary>The reference interpreter (<see cref="Runtime.Interpreter"/>).</summary>
    Interpreter,
}

/// <summary>Prepares programs on a chosen engine.</summary>
public static class ExecutionEngines
{
    /// <summary>The names of the engines, as the CLI's <c>--engine</c> option spells them.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetNames<ExecutionEngine>().Select(n => n.ToLowerInvariant()).ToArray();

    /// <summary>Validates and prepares <paramref name="program"/> on <paramref name="engine"/>.</summary>
    public static IExecutableProgram Prepare(ExecutionEngine engine, Bytecode program, ExecutionOptions? options = null) =>
        Prepare(engine, program, options, out _);

    /// <summary>
    /// Validates and prepares <paramref name="program"/> on <paramref name="engine"/>. The JIT falls back to the
    /// interpreter only for programs it cannot compile; <paramref name="fallbackReason"/> then says why.
    /// </summary>
    public static IExecutableProgram Prepare(ExecutionEngine engine, Bytecode program, ExecutionOptions? options, out string? fallbackReason)
    {
        options ??= new ExecutionOptions();
        fallbackReason = null;
        switch (engine)
        {
            case ExecutionEngine.Interpreter:
                return new Interpreter(program, options);
            case ExecutionEngine.Jit:
                if (Jit.JitCompiler.TryCompile(program, options, out fallbackReason) is { } compiled) return compiled;
                fallbackReason = $"the JIT cannot compile this program ({fallbackReason}); it runs on the interpreter";
                return new Interpreter(program, options);
            default:
                throw new ArgumentOutOfRangeException(nameof(engine), engine, "unknown engine");
        }
    }

    /// <summary>Parses an engine name (case-insensitive).</summary>
    public static bool TryParse(string name, out ExecutionEngine engine) =>
        Enum.TryParse(name, ignoreCase: true, out engine) && Enum.IsDefined(engine);
}
