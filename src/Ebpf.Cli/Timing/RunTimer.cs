using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ebpf.Isa;
using Ebpf.Runtime;
using Ebpf.Runtime.Jit;

namespace Ebpf.Cli.Timing;

/// <summary>What timing a program gave: its result, the time per run and the time to prepare it.</summary>
internal sealed record RunMeasurement(ulong R0, int Repeat, double NanosecondsPerRun, double CompileMicroseconds, string Engine, string? FallbackReason)
{
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["r0"] = $"0x{R0:x}",
        ["repeat"] = Repeat,
        ["ns_per_run"] = Math.Round(NanosecondsPerRun, 2),
        ["compile_us"] = Math.Round(CompileMicroseconds, 1),
        ["engine"] = Engine,
    });
}

/// <summary>Prepares a program, runs it once (which also warms it up), then times <c>repeat</c> further runs in process.</summary>
internal static class RunTimer
{
    public static RunMeasurement Measure(ExecutionEngine engine, Bytecode program, ExecutionOptions options, byte[] memory, int repeat)
    {
        var started = Stopwatch.GetTimestamp();
        var executable = ExecutionEngines.Prepare(engine, program, options, out string? fallback);
        if (executable is JitProgram jit) jit.Prepare();
        double compileMicroseconds = Stopwatch.GetElapsedTime(started).TotalMicroseconds;

        ulong r0 = executable.Run(memory);
        if (repeat <= 1) return new RunMeasurement(r0, 1, double.NaN, compileMicroseconds, executable.EngineName, fallback);

        // Warm-up: enough runs for tiered compilation to settle on the optimised code.
        var context = new RunContext();
        var warmUpUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 5;
        for (int i = 0; i < repeat && Stopwatch.GetTimestamp() < warmUpUntil; i++) executable.Run(memory, context);
        var timed = Stopwatch.GetTimestamp();
        for (int i = 0; i < repeat; i++) executable.Run(memory, context);
        double nanoseconds = Stopwatch.GetElapsedTime(timed).TotalNanoseconds / repeat;
        return new RunMeasurement(r0, repeat, nanoseconds, compileMicroseconds, executable.EngineName, fallback);
    }
}
