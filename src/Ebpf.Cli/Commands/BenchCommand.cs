using System.CommandLine;
using System.Text.Json.Nodes;
using Ebpf.Cli.Input;
using Ebpf.Elf;
using Ebpf.Linux;
using Ebpf.Linux.Features;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Spectre.Console;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf bench OBJ [--program NAME] [--type NAME] (--data-hex HEX | --data FILE) [--ctx-hex HEX] [--repeat N] [--json]</c>:
/// the mean time of one run of a program on the same input on every engine here — interpreter, JIT with checks, JIT
/// unchecked (verified) — and in the Linux kernel (its JIT, through BPF_PROG_TEST_RUN with the same repeat), as ratios.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("object") { Description = "An ELF object built with clang -target bpf" };
        var program = new Option<string?>("--program") { Description = "The program (default: the only one)" };
        var dataHex = new Option<string?>("--data-hex") { Description = "The packet as hex" };
        var data = new Option<string?>("--data") { Description = "The packet read from a file" };
        var repeat = new Option<int>("--repeat") { Description = "Runs per measurement (the kernel's repeat); the mean is reported", DefaultValueFactory = _ => 100_000 };
        repeat.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--repeat must be at least 1"); });
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var command = new Command("bench", "Time one program on the same input on the interpreter, the JIT (checked and unchecked) and the kernel's JIT, as ratios")
        {
            file, program, dataHex, data, repeat, json,
        };
        var contextOptions = new RunContextOptions();
        contextOptions.AddTo(command);
        command.SetAction(parse => CommandAction.Run(() =>
        {
            string path = parse.GetValue(file)!;
            var spec = ObjectFile.Load(ProgramLoader.ReadFile(path));
            var programSpec = RunCommand.ChooseProgram(spec, parse.GetValue(program), path);
            var type = contextOptions.ResolveType(parse, LoadedCollection.TypeOf(programSpec), programSpec.Name, programSpec.SectionName);
            List<byte[]>? packets = parse.GetValue(dataHex) is { } hex ? [HexText.Parse(hex, "--data-hex")]
                : parse.GetValue(data) is { } dataPath ? [ProgramLoader.ReadFile(dataPath)] : null;
            int runs = parse.GetValue(repeat);
            var input = contextOptions.Inputs(parse, type, packets, runs)[0];
            string? typeName = parse.GetValue(contextOptions.Type);

            var rows = new List<(string Engine, double? Nanoseconds, string? Note)>();
            double Measure(ExecutionEngine engine, ExecutionOptions? options)
            {
                using var collection = LoadedCollection.Create(spec, programType: typeName);
                var executable = collection.Program(programSpec.Name, engine, options is null ? null : TestRunner.OptionsFor(type, options));
                TestRunner.Run(executable, type, input with { Repeat = Math.Min(runs, 1000) }); // warm-up: tiering and caches
                return TestRunner.Run(executable, type, input).DurationNanoseconds;
            }
            rows.Add(("interpreter", Measure(ExecutionEngine.Interpreter, null), null));
            rows.Add(("jit, checked", Measure(ExecutionEngine.Jit, new ExecutionOptions { MemoryChecks = MemoryChecks.Checked }), null));
            rows.Add(("jit, unchecked (verified)", Measure(ExecutionEngine.Jit, null), null));
            rows.Add(KernelRow(spec, programSpec, type, input));

            var output = parse.InvocationConfiguration.Output;
            double? kernel = rows[^1].Nanoseconds;
            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonObject
                {
                    ["program"] = programSpec.Name, ["repeat"] = runs,
                    ["results"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
                    {
                        ["engine"] = r.Engine, ["ns_per_run"] = r.Nanoseconds, ["vs_kernel"] = Ratio(r.Nanoseconds, kernel), ["note"] = r.Note,
                    })]),
                }.ToJsonString());
                return 0;
            }
            var console = CliConsole.For(output);
            var table = new Table().Title($"{programSpec.Name} ({type.Name}), mean of {runs:N0} runs").AddColumns("engine", "ns/run", "vs kernel");
            foreach (var (engine, ns, note) in rows)
                table.AddRow(engine, ns is { } value ? $"{value:N1}" : Markup.Escape(note ?? ""), Ratio(ns, kernel) is { } ratio ? $"{ratio:F2}x" : "");
            console.Write(table);
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }

    private static (string, double?, string?) KernelRow(CollectionSpec spec, ProgramSpec program, ProgramTypes.ProgramType type, TestRunInput input)
    {
        const string Engine = "kernel (BPF_PROG_TEST_RUN)";
        if (type.KernelId < 0) return (Engine, null, "user-space-only type");
        if (!KernelProbe.CanUseBpf(out string reason)) return (Engine, null, $"skipped: {reason}");
        try
        {
            var (report, runs) = KernelRun.Execute(spec, program, type, [input with { Repeat = Math.Min(input.Repeat, 1000) }, input], 1, dumpMaps: false, typeOverride: null);
            return runs[^1]["duration_ns"] is { } duration ? (Engine, duration.GetValue<long>(), null) : (Engine, null, runs[^1]["error"]?.GetValue<string>());
        }
        catch (KernelErrorException e)
        {
            return (Engine, null, $"refused: {e.Message.Split('\n')[0]}");
        }
    }

    private static double? Ratio(double? value, double? kernel) => value is { } v && kernel is > 0 ? v / kernel.Value : null;
}
