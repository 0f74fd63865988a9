using System.CommandLine;
using System.Text.Json.Nodes;
using Ebpf.Capture;
using Ebpf.Cli.Input;
using Ebpf.Elf;
using Ebpf.Linux.Capture;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Spectre.Console;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf run OBJ (--pcap IN | --iface IFACE [--netns NS] [--duration S] [--count N] [--inject]) [--write OUT]
/// [--threads N] [--json] [--dump-maps]</c>: a program over every packet of a capture or every frame an interface
/// receives, with a verdict table (or one JSON object) and the packets that go on written to a new capture.
/// </summary>
internal static class PcapRun
{
    /// <summary>Captures at least this large get a progress bar on an interactive terminal.</summary>
    private const long ProgressThreshold = 4 << 20;

    public static int Execute(ParseResult parse, PcapRunOptions options, string objectPath, string? programName, string engineName, bool json, bool dumpMaps,
        ProgramVerification verification)
    {
        string? input = parse.GetValue(options.Input);
        string? outputPath = parse.GetValue(options.Output);
        int threads = parse.GetValue(options.Threads);
        var spec = ObjectFile.Load(ProgramLoader.ReadFile(objectPath));
        var programSpec = RunCommand.ChooseProgram(spec, programName, objectPath);
        var type = LoadedCollection.TypeOf(programSpec) is { Packet: not PacketLayout.None } known ? known
            : throw new UsageException($"program '{programSpec.Name}' is of type {programSpec.ProgramType} (section '{programSpec.SectionName}'); --pcap and --iface run packet programs: {string.Join(", ", KnownProgramTypes.All.Where(t => t.Packet != PacketLayout.None).Select(t => t.Name))}");

        // The run is a machine with one CPU per processor slot: per-CPU maps hold exactly one value per thread.
        using var collection = LoadedCollection.Create(spec, new MapCreateOptions { ProcessorCount = threads }, verification);
        var executable = collection.Program(programSpec.Name, CommandAction.ParseEngine(engineName));
        var errors = parse.InvocationConfiguration.Error;
        if (collection.FallbackReasons[programSpec.Name] is { } fallback) errors.WriteLine($"note: {fallback}");

        using var reader = input is not null ? OpenCapture(input) : OpenInterface(parse, options);
        using var writer = outputPath is null ? null : CreateOutput(outputPath, reader);
        var live = reader as PacketSocket;
        long injectFailures = 0;
        string? firstInjectFailure = null;
        var runner = new CaptureRunner(executable, type, threads)
        {
            // Live frames are run as they come, not gathered into batches.
            BatchSize = live is null ? 2048 : 1,
            Transmit = live is not null && parse.GetValue(options.Inject) ? frame =>
            {
                try
                {
                    live.Send(frame);
                }
                catch (PacketSocketException e)
                {
                    injectFailures++;
                    firstInjectFailure ??= e.Message;
                }
            } : null,
        };
        var output = parse.InvocationConfiguration.Output;
        long length = input is null ? 0 : new FileInfo(input).Length;
        bool interactive = !json && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && length >= ProgressThreshold;
        ConsoleCancelEventHandler? stop = live is null ? null : (_, e) => { e.Cancel = true; live.Stop(); };
        if (stop is not null) Console.CancelKeyPress += stop;
        CaptureRunSummary summary;
        try
        {
            summary = interactive ? RunWithProgress(runner, reader, writer, length) : runner.Run(reader, writer);
        }
        finally
        {
            if (stop is not null) Console.CancelKeyPress -= stop;
        }
        if (live is not null && live.TakeStatistics() is { Dropped: > 0 } statistics)
            errors.WriteLine($"note: the kernel dropped {statistics.Dropped} frame(s) on {live.InterfaceName}: the socket's receive buffer was full");
        if (injectFailures > 0) errors.WriteLine($"note: {injectFailures} frame(s) could not be sent back out; the first: {firstInjectFailure}");
        string source = input is null ? $"{live!.InterfaceName}" : Path.GetFileName(input);

        var (maps, _) = MapDump.Describe(collection.Maps);
        if (json) output.WriteLine(PcapRunReport.Json(summary, maps).ToJsonString());
        else PcapRunReport.WriteTable(output, summary, type, programSpec.Name, source, executable.EngineName, threads, dumpMaps ? maps : null);
        foreach (var problem in summary.Problems)
            errors.WriteLine($"note: {problem.Packets} packet(s) {PcapRunReport.Describe(problem)}; the first, record {problem.FirstRecord}: {problem.FirstMessage}");
        if (outputPath is not null && !json) output.WriteLine($"wrote {summary.Written} packet(s) to {outputPath}");
        if (summary.FormatError is { } damage)
        {
            errors.WriteLine($"error: {damage.Message}");
            return CommandAction.Failure;
        }
        return summary.Problems.Any(p => p.Kind == PacketProblemKind.Faulted) ? CommandAction.Failure : 0;
    }

    private static PacketSocket OpenInterface(ParseResult parse, PcapRunOptions options)
    {
        double? seconds = parse.GetValue(options.Duration);
        try
        {
            return PacketSocket.Open(parse.GetValue(options.Interface)!, parse.GetValue(options.Namespace),
                seconds is { } s ? TimeSpan.FromSeconds(s) : null, parse.GetValue(options.Count) ?? 0);
        }
        catch (PacketSocketException e)
        {
            throw new UsageException($"--iface: {e.Message}");
        }
    }

    private static ICaptureReader OpenCapture(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--pcap: {path} does not exist");
        return CaptureFile.OpenRead(path);
    }

    /// <summary>The output capture: Ethernet frames, with the input's nanosecond resolution when it had one.</summary>
    private static ICaptureWriter CreateOutput(string path, ICaptureReader reader)
    {
        var resolution = reader is PcapReader { Resolution: TimestampResolution.Microseconds } ? TimestampResolution.Microseconds
            : reader is PcapReader ? TimestampResolution.Nanoseconds : TimestampResolution.Microseconds;
        try
        {
            return CaptureFile.Create(path, LinkType.Ethernet, resolution);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--write: cannot create {path}: {e.Message}");
        }
    }

    private static CaptureRunSummary RunWithProgress(CaptureRunner runner, ICaptureReader reader, ICaptureWriter? writer, long length)
    {
        CaptureRunSummary? summary = null;
        AnsiConsole.Progress().AutoClear(true).Start(context =>
        {
            var task = context.AddTask("packets", maxValue: length);
            summary = runner.Run(reader, writer, position => task.Value = position);
        });
        return summary!;
    }
}
