using System.Text.Json.Nodes;
using Ebpf.TestRuns;

namespace Ebpf.Cli.Commands;

/// <summary>
/// The JSON of <c>ebpf run</c>, shared by the user-space run and the kernel's (<see cref="KernelRun"/>) so that the two
/// reports cannot drift apart: one object per test run, and the summary of the last run with the list of all of them.
/// </summary>
internal static class RunReport
{
    /// <summary><c>{"retval", "data_out", "duration_ns"}</c>, with <c>"ctx_out"</c> and <c>"redirect"</c> when the run has them.</summary>
    public static JsonObject Run(TestRunResult result)
    {
        var run = new JsonObject { ["retval"] = result.ReturnValue, ["data_out"] = Hex(result.DataOut), ["duration_ns"] = result.DurationNanoseconds };
        if (result.ContextOut is { } contextOut) run["ctx_out"] = Hex(contextOut);
        if (result.Redirect is { } redirect) run["redirect"] = new JsonObject { ["ifindex"] = redirect.Ifindex, ["flags"] = redirect.Flags };
        return run;
    }

    /// <summary>A refused or faulted run: its message and errno.</summary>
    public static JsonObject Error(string message, int errno) => new() { ["error"] = message, ["errno"] = errno };

    /// <summary>The report: the program, the last successful run's results, and every run.</summary>
    public static JsonObject Summary(string program, TestRunResult? last, IEnumerable<JsonObject> runs)
    {
        var report = new JsonObject
        {
            ["program"] = program,
            ["retval"] = last?.ReturnValue,
            ["data_out"] = last is null ? null : Hex(last.DataOut),
            ["duration_ns"] = last?.DurationNanoseconds,
        };
        if (last?.ContextOut is { } lastContext) report["ctx_out"] = Hex(lastContext);
        report["runs"] = new JsonArray([.. runs]);
        return report;
    }

    /// <summary>Bytes as lowercase hex.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
