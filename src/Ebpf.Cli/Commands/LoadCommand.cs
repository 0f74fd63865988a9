using System.CommandLine;
using System.Text.Json.Nodes;
using Ebpf.Cli.Input;
using Ebpf.Elf;
using Ebpf.Linux.Kernel;
using Ebpf.Runtime;
using Spectre.Console;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf load OBJ [--kernel] [--pin DIR] [--program NAME...] [--type NAME] [--json]</c>: loads every program and map of
/// an object, in user space (verified and compiled) or with <c>--kernel</c> into the Linux kernel, and lists what was
/// created. Kernel objects outlive the command only when pinned.
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("object") { Description = "An ELF object built with clang -target bpf" };
        var kernel = new Option<bool>("--kernel") { Description = "Load into the Linux kernel (needs root or CAP_BPF) instead of user space" };
        var pin = new Option<string?>("--pin") { Description = "With --kernel: pin programs at DIR/NAME and maps at DIR/maps/NAME in the bpf file system, so they stay loaded" };
        var programs = new Option<string[]>("--program") { Description = "Load only these programs (repeatable; default: all)", AllowMultipleArgumentsPerToken = true };
        var type = new Option<string?>("--type") { Description = "The program type for every program (the kernel's BPF_PROG_TYPE_ name without prefix, any case)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var logLevel = new Option<uint>("--log-level") { Description = "With --kernel: print the kernel verifier's log of each program at this level (1 paths, 2 every instruction, 4 statistics)" };
        var command = new Command("load", "Load an object's programs and maps, in user space or into the kernel, and list them") { file, kernel, pin, programs, type, json, logLevel };
        command.Validators.Add(r =>
        {
            if (r.GetResult(pin) is not null && r.GetValue(kernel) == false) r.AddError("--pin needs --kernel: only kernel objects can be pinned");
        });
        command.SetAction(parse => CommandAction.Run(() =>
        {
            string path = parse.GetValue(file)!;
            var spec = ObjectFile.Load(ProgramLoader.ReadFile(path));
            var selected = parse.GetValue(programs) is { Length: > 0 } names ? names : null;
            foreach (var name in selected ?? [])
                if (spec.FindProgram(name) is null) throw new UsageException($"{path} has no program '{name}'; it has: {string.Join(", ", spec.Programs.Select(p => p.Name))}");
            var typeOverride = parse.GetValue(type) is { } typeName
                ? ProgramTypes.KnownProgramTypes.Find(typeName) ?? throw new UsageException($"--type {typeName} is not a program type here; known: {string.Join(", ", ProgramTypes.KnownProgramTypes.All.Select(t => t.Name))}")
                : null;
            var output = parse.InvocationConfiguration.Output;
            var report = parse.GetValue(kernel)
                ? LoadIntoKernel(spec, selected, typeOverride, parse.GetValue(pin), parse.GetValue(logLevel), parse.InvocationConfiguration.Error)
                : LoadInUserSpace(spec, selected, parse.GetValue(type));
            if (parse.GetValue(json)) output.WriteLine(report.ToJsonString());
            else WriteTables(output, report);
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }

    private static JsonObject LoadIntoKernel(CollectionSpec spec, string[]? selected, ProgramTypes.ProgramType? typeOverride, string? pinDirectory, uint logLevel,
        TextWriter errors)
    {
        using var collection = KernelCollection.Load(spec, new KernelCollectionOptions
        {
            Programs = selected,
            VerifierLogLevel = logLevel,
            ProgramTypeOverride = typeOverride is null ? null : (ProgramTypes.ProgramTypeId)typeOverride.KernelId,
        });
        foreach (var note in collection.Notes) errors.WriteLine($"note: {note}");
        foreach (var program in collection.Programs.Values.Where(p => p.VerifierLog is not null))
            errors.WriteLine($"verifier log of '{program.Name}':\n{program.VerifierLog!.TrimEnd()}");
        if (pinDirectory is not null) collection.PinAll(pinDirectory);
        else errors.WriteLine("note: nothing is pinned, so the kernel unloads these programs and maps when this command exits; pin them with --pin DIR");
        var programs = new JsonArray();
        foreach (var program in collection.Programs.Values)
        {
            var info = program.Info();
            programs.Add(new JsonObject
            {
                ["name"] = program.Name, ["id"] = info.Id, ["type"] = info.Type.ToString(), ["tag"] = info.Tag,
                ["verified_insns"] = info.VerifiedInstructions, ["jited_bytes"] = info.JitedBytes,
                ["pinned"] = pinDirectory is null ? null : Path.Combine(pinDirectory, KernelCollection.PinName(program.Name)),
            });
        }
        var maps = new JsonArray();
        foreach (var map in collection.Maps.Values)
            maps.Add(new JsonObject
            {
                ["name"] = map.Name, ["id"] = map.Id, ["type"] = map.Type.ToString(), ["key_size"] = map.KeySize, ["value_size"] = map.ValueSize,
                ["max_entries"] = map.MaxEntries, ["pinned"] = pinDirectory is null ? null : Path.Combine(pinDirectory, "maps", KernelCollection.PinName(map.Name)),
            });
        return new JsonObject { ["backend"] = "kernel", ["btf_id"] = collection.BtfId, ["programs"] = programs, ["maps"] = maps };
    }

    private static JsonObject LoadInUserSpace(CollectionSpec spec, string[]? selected, string? typeName)
    {
        using var collection = LoadedCollection.Create(spec, programType: typeName);
        var programs = new JsonArray();
        foreach (var program in spec.Programs.Where(p => selected is null || selected.Contains(p.Name)))
        {
            collection.Program(program.Name, ExecutionEngine.Jit);
            var verdict = collection.Verdicts.GetValueOrDefault(program.Name);
            programs.Add(new JsonObject
            {
                ["name"] = program.Name, ["type"] = LoadedCollection.TypeOf(program)?.Name, ["verified_insns"] = verdict?.Statistics.ProcessedInstructions,
                ["instructions"] = program.Instructions.Slots.Length,
            });
        }
        var maps = new JsonArray();
        foreach (var map in collection.Maps)
            maps.Add(new JsonObject
            {
                ["name"] = map.Name, ["id"] = map.Id, ["type"] = map.Type.ToString(), ["key_size"] = map.KeySize, ["value_size"] = map.ValueSize,
                ["max_entries"] = map.MaxEntries,
            });
        return new JsonObject { ["backend"] = "user space", ["programs"] = programs, ["maps"] = maps };
    }

    private static void WriteTables(TextWriter output, JsonObject report)
    {
        var console = CliConsole.For(output);
        var programs = new Table().Title($"programs ({report["backend"]})").AddColumns("name", "id", "type", "verified insns", "pinned");
        foreach (var p in report["programs"]!.AsArray())
            programs.AddRow(Cell(p!["name"]), Cell(p["id"]), Cell(p["type"]), Cell(p["verified_insns"]), Cell(p["pinned"]));
        console.Write(programs);
        var maps = new Table().Title("maps").AddColumns("name", "id", "type", "key", "value", "max entries", "pinned");
        foreach (var m in report["maps"]!.AsArray())
            maps.AddRow(Cell(m!["name"]), Cell(m["id"]), Cell(m["type"]), Cell(m["key_size"]), Cell(m["value_size"]), Cell(m["max_entries"]), Cell(m["pinned"]));
        console.Write(maps);
    }

    private static string Cell(JsonNode? node) => Markup.Escape(node?.ToString() ?? "");
}
