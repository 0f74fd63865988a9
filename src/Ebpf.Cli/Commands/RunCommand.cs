using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ebpf.Cli.Input;
using Ebpf.Elf;
using Ebpf.Maps;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Spectre.Console;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf run OBJ [--program NAME] [--type NAME] [--engine E] [--data-hex HEX[,HEX...] | --data FILE] [--ctx-hex HEX | --ctx FILE]
/// [--runs N] [--repeat N] [--json] [--dump-maps] [--kernel]</c>: the user-space BPF_PROG_TEST_RUN of a program from an ELF object, with its
/// maps, or with <c>--kernel</c> the Linux kernel's own test run of the same object (<see cref="KernelRun"/>), reported alike.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("object") { Description = "An ELF object built with clang -target bpf" };
        var program = new Option<string?>("--program") { Description = "The program to run (default: the only one)" };
        var engine = new Option<string>("--engine") { Description = "The engine: " + string.Join(", ", ExecutionEngines.Names), DefaultValueFactory = _ => "jit" };
        engine.AcceptOnlyFromAmong([.. ExecutionEngines.Names]);
        var dataHex = new Option<string?>("--data-hex") { Description = "Packets as hex, separated by commas: each is one test run, in order" };
        var data = new Option<string?>("--data") { Description = "One packet read from a file" };
        var runs = new Option<int>("--runs") { Description = "Run the whole list of packets N times (state carries over in maps)", DefaultValueFactory = _ => 1 };
        var repeat = new Option<int>("--repeat") { Description = "Run each packet N times, as the kernel's repeat (duration is the mean)", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var dumpMaps = new Option<bool>("--dump-maps") { Description = "Show every map's contents after the runs" };
        var kernel = new Option<bool>("--kernel") { Description = "Run in the Linux kernel (BPF_PROG_TEST_RUN on the loaded object; needs root or CAP_BPF) instead of user space" };
        var unverified = new Option<bool>("--unverified") { Description = "Run without verifying, in checked mode (for programs the verifier rejects or does not model)" };
        foreach (var count in new[] { runs, repeat })
            count.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError($"{r.Option.Name} must be at least 1"); });

        var command = new Command("run", "Test-run a program of an ELF object on packets or a context, as BPF_PROG_TEST_RUN does, and show results and maps")
        {
            file, program, engine, dataHex, data, runs, repeat, json, dumpMaps, unverified, kernel,
        };
        var contextOptions = new RunContextOptions();
        contextOptions.AddTo(command);
        var capture = PcapRunOptions.AddTo(command);
        command.Validators.Add(r =>
        {
            // At most one packet source: context-only types run without one, and RunContextOptions asks packet types for theirs.
            if (new[] { r.GetResult(dataHex), r.GetResult(data) }.Count(given => given is not null) + capture.SourcesGiven(r) > 1)
                r.AddError("give the packets either as --data-hex, as --data, as --pcap or as --iface, not several");
        });
        command.SetAction(parse => CommandAction.Run(() =>
        {
            if (capture.Requested(parse))
                return PcapRun.Execute(parse, capture, parse.GetValue(file)!, parse.GetValue(program), parse.GetValue(engine)!, parse.GetValue(json), parse.GetValue(dumpMaps),
                    Verification(parse.GetValue(unverified)));
            string path = parse.GetValue(file)!;
            var spec = ObjectFile.Load(ProgramLoader.ReadFile(path));
            var programSpec = ChooseProgram(spec, parse.GetValue(program), path);
            var type = contextOptions.ResolveType(parse, LoadedCollection.TypeOf(programSpec), programSpec.Name, programSpec.SectionName);
            List<byte[]>? packets = parse.GetValue(dataHex) is { } hex
                ? hex.Split(',').Select((h, i) => HexText.Parse(h, $"--data-hex packet {i + 1}")).ToList()
                : parse.GetValue(data) is { } dataPath ? [ProgramLoader.ReadFile(dataPath)] : null;
            var inputs = contextOptions.Inputs(parse, type, packets, parse.GetValue(repeat));
            if (parse.GetValue(kernel))
            {
                var (kernelReport, kernelRuns) = KernelRun.Execute(spec, programSpec, type, inputs, parse.GetValue(runs), parse.GetValue(dumpMaps) || parse.GetValue(json),
                    parse.GetValue(contextOptions.Type) is null ? null : (Ebpf.ProgramTypes.ProgramTypeId)type.KernelId);
                return Report(parse, parse.GetValue(json), parse.GetValue(dumpMaps), programSpec.Name, type, kernelReport, kernelRuns, []);
            }

            using var collection = LoadedCollection.Create(spec, verification: Verification(parse.GetValue(unverified)),
                programType: parse.GetValue(contextOptions.Type));
            var executable = collection.Program(programSpec.Name, CommandAction.ParseEngine(parse.GetValue(engine)),
                type == LoadedCollection.TypeOf(programSpec) ? null : TestRunner.OptionsFor(type));
            if (collection.FallbackReasons[programSpec.Name] is { } fallback) parse.InvocationConfiguration.Error.WriteLine($"note: {fallback}");

            var results = new List<JsonObject>();
            var trace = new List<string>();
            // bpf_trace_printk lines, one per call; the kernel's trace pipe ends each line itself, so a final newline is dropped.
            var runContext = new RunContext { TraceSink = line => trace.Add(line.EndsWith('\n') ? line[..^1] : line) };
            TestRunResult? last = null;
            for (int round = 0; round < parse.GetValue(runs); round++)
            {
                foreach (var input in inputs)
                {
                    try
                    {
                        last = TestRunner.Run(executable, type, input with { Context = runContext });
                        results.Add(RunReport.Run(last));
                    }
                    catch (TestRunException e)
                    {
                        results.Add(RunReport.Error(e.Message, e.Errno));
                    }
                    catch (ProgramFaultException e)
                    {
                        results.Add(RunReport.Error(e.Message, Errno.EFAULT));
                    }
                }
            }

            var report = RunReport.Summary(programSpec.Name, last, results);
            if (parse.GetValue(dumpMaps) || parse.GetValue(json))
            {
                var (maps, rings) = MapDump.Describe(collection.Maps, ProgramNames(collection, CommandAction.ParseEngine(parse.GetValue(engine))).GetValueOrDefault);
                report["maps"] = maps;
                report["ringbuf"] = rings;
            }
            report["trace"] = new JsonArray([.. trace.Select(line => JsonValue.Create(line))]);
            return Report(parse, parse.GetValue(json), parse.GetValue(dumpMaps), programSpec.Name, type, report, results, trace);
        }, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Prints the report as JSON or as a table; the exit code says whether every run succeeded.</summary>
    private static int Report(ParseResult parse, bool json, bool dumpMaps, string name, Ebpf.ProgramTypes.ProgramType type, JsonObject report,
        List<JsonObject> results, List<string> trace)
    {
        var output = parse.InvocationConfiguration.Output;
        if (json) output.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        else
        {
            WriteTable(output, name, type, results, dumpMaps ? report : null);
            foreach (var line in trace) output.WriteLine($"trace: {line}");
        }
        return results.Any(r => r.ContainsKey("error")) ? CommandAction.Failure : 0;
    }

    /// <summary>The names of the collection's programs by their runtime id, for program-array dumps.</summary>
    private static Dictionary<uint, string> ProgramNames(LoadedCollection collection, ExecutionEngine engine) =>
        collection.Spec.Programs.ToDictionary(p => ProgramRegistry.IdOf(collection.Program(p.Name, engine)), p => p.Name);

    /// <summary>Programs are verified unless --unverified asks to run them unverified (and so checked).</summary>
    internal static ProgramVerification Verification(bool unverified) =>
        unverified ? ProgramVerification.Unverified : ProgramVerification.Verified;

    internal static ProgramSpec ChooseProgram(CollectionSpec spec, string? name, string path)
    {
        if (name is not null)
            return spec.FindProgram(name) ?? throw new UsageException($"{path} has no program '{name}'; it has: {string.Join(", ", spec.Programs.Select(p => p.Name))}");
        return spec.Programs.Count switch
        {
            1 => spec.Programs[0],
            0 => throw new UsageException($"{path} holds no programs"),
            _ => throw new UsageException($"{path} holds several programs ({string.Join(", ", spec.Programs.Select(p => p.Name))}); choose one with --program"),
        };
    }

    private static void WriteTable(TextWriter output, string name, Ebpf.ProgramTypes.ProgramType type, List<JsonObject> results, JsonObject? maps)
    {
        var console = CliConsole.For(output);
        var table = new Table().Title($"{name} ({type.Name})").AddColumns("run", "result", "data out", "ns");
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            if (r.ContainsKey("error"))
            {
                table.AddRow($"{i + 1}", Markup.Escape($"error: {r["error"]}"), "", "");
                continue;
            }
            uint retval = r["retval"]!.GetValue<uint>();
            string verdict = type.ReturnName(retval) is { } named ? $"{retval} ({named})" : $"{retval}";
            string dataOut = r["data_out"]!.GetValue<string>();
            table.AddRow($"{i + 1}", verdict, $"{dataOut.Length / 2} bytes", $"{r["duration_ns"]}");
        }
        console.Write(table);
        if (maps?["maps"] is JsonObject dumped)
            foreach (var (mapName, entries) in dumped)
                output.WriteLine($"map {mapName}: {entries?.ToJsonString()}");
    }
}
