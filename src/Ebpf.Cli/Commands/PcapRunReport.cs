using System.Globalization;
using System.Text.Json.Nodes;
using Ebpf.ProgramTypes;
using Ebpf.TestRuns;
using Spectre.Console;

namespace Ebpf.Cli.Commands;

/// <summary>How <c>ebpf run --pcap</c> shows a <see cref="CaptureRunSummary"/>: a verdict table or one JSON object.</summary>
internal static class PcapRunReport
{
    /// <summary>
    /// <c>{"packets", "bytes", "verdicts": [{"retval", "name", "packets", "bytes"}], "seconds", "packets_per_second", "maps"}</c>.
    /// </summary>
    public static JsonObject Json(CaptureRunSummary summary, JsonObject maps) => new()
    {
        ["packets"] = summary.Packets,
        ["bytes"] = summary.Bytes,
        ["verdicts"] = new JsonArray([.. summary.Verdicts.Select(v => (JsonNode)new JsonObject
        {
            ["retval"] = v.ReturnValue,
            ["name"] = v.Name,
            ["packets"] = v.Packets,
            ["bytes"] = v.Bytes,
        })]),
        ["seconds"] = summary.Elapsed.TotalSeconds,
        ["packets_per_second"] = Math.Round(summary.PacketsPerSecond, 1),
        ["maps"] = maps,
    };

    /// <summary>What happened to packets without verdict, in words.</summary>
    public static string Describe(PacketProblemCount problem) => problem.Kind switch
    {
        PacketProblemKind.Refused => $"refused by the test run ({ErrnoName(problem.Errno)})",
        PacketProblemKind.Faulted => "stopped by a program fault (EFAULT)",
        _ => "without an Ethernet form (not run)",
    };

    public static void WriteTable(TextWriter output, CaptureRunSummary summary, ProgramType type, string program, string capture,
        string engine, int threads, JsonObject? maps)
    {
        var console = CliConsole.For(output);
        var table = new Table().Title(Markup.Escape($"{program} ({type.Name}) over {capture}"))
            .AddColumn("verdict").AddColumn(new TableColumn("packets").RightAligned()).AddColumn(new TableColumn("bytes").RightAligned())
            .AddColumn(new TableColumn("share").RightAligned());
        foreach (var v in summary.Verdicts)
            table.AddRow(Markup.Escape(v.Name is null ? $"{v.ReturnValue}" : $"{v.Name} ({v.ReturnValue})"), Count(v.Packets), Count(v.Bytes), Share(v.Packets, summary.Packets));
        foreach (var p in summary.Problems)
            table.AddRow(Markup.Escape(Describe(p)), Count(p.Packets), Count(p.Bytes), Share(p.Packets, summary.Packets));
        table.AddEmptyRow();
        table.AddRow("total", Count(summary.Packets), Count(summary.Bytes), Share(summary.Packets, summary.Packets));
        console.Write(table);

        var slots = new Table().AddColumn("thread (flow hash)").AddColumn(new TableColumn("packets").RightAligned());
        for (int i = 0; i < summary.PacketsPerSlot.Count; i++) slots.AddRow($"{i}", Count(summary.PacketsPerSlot[i]));
        console.Write(slots);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary.Packets:N0} packets in {summary.Elapsed.TotalSeconds:F3} s: {summary.PacketsPerSecond:N0} packets/s ({engine}, {threads} thread{(threads == 1 ? "" : "s")})"));
        if (maps is not null)
            foreach (var (name, entries) in maps)
                output.WriteLine($"map {name}: {entries?.ToJsonString()}");
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Share(long part, long whole) =>
        whole == 0 ? "-" : (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string ErrnoName(int errno) => errno switch
    {
        22 => "EINVAL",
        14 => "EFAULT",
        7 => "E2BIG",
        524 => "ENOTSUPP",
        _ => $"errno {errno}",
    };
}
