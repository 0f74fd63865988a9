using System.Diagnostics;
using System.Reflection.Emit;
using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Compiles a program to IL with <see cref="DynamicMethod"/> (one method per function; RyuJIT makes the machine
/// code). Dynamic methods are collectible: a compiled program that is no longer referenced is freed.
/// </summary>
public static class JitCompiler
{
    private static readonly object ClosureTarget = new();

    /// <summary>Compiles a validated program, or returns null with the reason it must run interpreted.</summary>
    /// <exception cref="MalformedProgramException">The program breaks RFC 9669's encoding rules.</exception>
    /// <exception cref="ProgramLoadException">The program calls an unknown helper or needs maps it was not given.</exception>
    public static JitProgram? TryCompile(Bytecode program, ExecutionOptions options, out string? fallbackReason)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(options);
        ProgramValidator.EnsureValid(program);
        var code = program.Slots.ToArray();
        var functions = Subprograms.Split(code, out fallbackReason);
        if (fallbackReason is not null) return null;

        var started = Stopwatch.GetTimestamp();
        bool isChecked = options.MemoryChecks == MemoryChecks.Checked;
        var maps = options.Maps.Count == 0 ? ProgramMaps.None : new ProgramMaps(options.Maps);
        var compilation = new JitCompilation(code, options.Helpers, isChecked, maps, options.ContextPointerFields);
        bool anyReachesAbove = functions.Any(f => StackUsage.ReachesAboveFrame(code, f));
        foreach (var function in functions)
            compilation.ZeroedStackBytes[function.Start] = anyReachesAbove ? ExecutionLimits.StackBytesPerFrame : StackUsage.BytesUsed(code, function);
        foreach (var function in functions)
        {
            var method = new DynamicMethod($"ebpf_function_{function.Start}", typeof(ulong), MethodEmitter.ParameterTypes,
                typeof(JitRuntime).Module, skipVisibility: true);
            compilation.AddMethod(function.Start, method);
        }
        foreach (var function in functions)
        {
            var method = compilation.MethodAt(function.Start);
            new MethodEmitter(method.GetILGenerator(Math.Max(64, (function.End - function.Start) * 24)), code, function, compilation, function.Start == 0).Emit();
        }
        var entry = (JitEntry)compilation.MethodAt(0).CreateDelegate(typeof(JitEntry), ClosureTarget);
        JitCallbacks? callbacks = null;
        if (compilation.HasFunctionReferences)
        {
            var callbackEntries = new JitEntry?[code.Length];
            foreach (int start in compilation.CallbackTargets)
                callbackEntries[start] = (JitEntry)compilation.MethodAt(start).CreateDelegate(typeof(JitEntry), ClosureTarget);
            callbacks = new JitCallbacks(callbackEntries);
        }
        var compileTime = Stopwatch.GetElapsedTime(started);
        return new JitProgram(entry, compilation.SiteHelpers, maps, options, compilation.ZeroedStackBytes[0], compileTime, callbacks);
    }
}

/// <summary>The signature of a compiled function, closed over its first (unused) argument: r0–r10, the call depth, the run state.</summary>
public delegate ulong JitEntry(ulong r0, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ulong r6, ulong r7, ulong r8, ulong r9,
    ulong r10, int depth, JitContext context);
