using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ebpf.Btf;
using Ebpf.Btf.Core;
using Ebpf.Cli.Input;
using Ebpf.Elf;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf core OBJ [--program NAME] [--btf PATH] [--json]</c>: applies each program's CO-RE relocations against the running
/// kernel's BTF (or a given raw BTF file) and prints what every relocation resolved to, as libbpf's debug log does.
/// Exits 0 when every relocation applied (poisoned instructions included: the kernel decides whether they are reached).
/// </summary>
internal static class CoreCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "An ELF object built with clang -O2 -g -target bpf" };
        var program = new Option<string?>("--program") { Description = "Relocate only this program (default: all)" };
        var btf = new Option<string?>("--btf") { Description = $"The target BTF file (default: {KernelBtf.VmlinuxPath})" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: {\"btf\", \"types\", \"programs\": [{program, relocations: [...]}]}" };
        var command = new Command("core", "Show what each CO-RE relocation of an object resolves to against a kernel's BTF")
        {
            file, program, btf, json,
        };
        command.SetAction(parse => CommandAction.Run(() =>
        {
            string path = parse.GetValue(file)!;
            var spec = ObjectFile.Load(ProgramLoader.ReadFile(path));
            var programs = Choose(spec, parse.GetValue(program), path);
            string targetPath = parse.GetValue(btf) ?? KernelBtf.VmlinuxPath;
            var output = parse.InvocationConfiguration.Output;
            if (programs.All(p => p.CoreRelocations.Count == 0) && !parse.GetValue(json))
            {
                output.WriteLine($"{path}: no CO-RE relocations");
                return 0;
            }
            var localBtf = spec.Btf;
            if (localBtf is null && programs.Any(p => p.CoreRelocations.Count > 0))
                throw new UsageException($"{path}: the object has CO-RE relocations but no .BTF section");
            var targetBtf = parse.GetValue(btf) is null ? KernelBtf.Vmlinux : KernelBtf.Load(targetPath);
            if (parse.GetValue(json))
            {
                output.WriteLine(ToJson(programs, localBtf, targetBtf, targetPath).ToJsonString(new JsonSerializerOptions
                {
                    WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                }));
                return 0;
            }
            output.WriteLine($"target BTF: {targetPath} ({targetBtf.Types.Count - 1} types)");
            foreach (var chosen in programs)
            {
                if (chosen.CoreRelocations.Count == 0)
                {
                    output.WriteLine($"{chosen.Name}: no CO-RE relocations");
                    continue;
                }
                var result = CoreRelocator.Apply(chosen, localBtf!, targetBtf);
                int poisoned = result.Relocations.Count(r => r.Poisoned);
                output.WriteLine($"{chosen.Name}: {result.Relocations.Count} relocation{(result.Relocations.Count == 1 ? "" : "s")}" +
                                 (poisoned > 0 ? $", {poisoned} poisoned" : ""));
                foreach (var report in result.Relocations) output.WriteLine($"  {report}");
            }
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }

    private static JsonObject ToJson(IReadOnlyList<ProgramSpec> programs, BtfSpec? localBtf, BtfSpec targetBtf, string targetPath)
    {
        var list = new JsonArray();
        foreach (var chosen in programs)
        {
            var relocations = new JsonArray();
            if (chosen.CoreRelocations.Count > 0)
            {
                foreach (var report in CoreRelocator.Apply(chosen, localBtf!, targetBtf).Relocations)
                {
                    relocations.Add(new JsonObject
                    {
                        ["index"] = report.Index,
                        ["instruction"] = report.Relocation.InstructionIndex,
                        ["kind"] = report.KindName,
                        ["local"] = report.Local,
                        ["target"] = report.Target,
                        ["candidates"] = report.CandidateCount,
                        ["original"] = report.OriginalValue,
                        ["value"] = report.NewValue,
                        ["poisoned"] = report.Poisoned,
                        ["patch"] = report.Patch,
                    });
                }
            }
            list.Add(new JsonObject { ["program"] = chosen.Name, ["relocations"] = relocations });
        }
        return new JsonObject { ["btf"] = targetPath, ["types"] = targetBtf.Types.Count - 1, ["programs"] = list };
    }

    private static IReadOnlyList<ProgramSpec> Choose(CollectionSpec spec, string? name, string path)
    {
        if (name is null)
        {
            if (spec.Programs.Count == 0) throw new UsageException($"{path}: the object has no programs");
            return spec.Programs;
        }
        var chosen = spec.FindProgram(name)
            ?? throw new UsageException($"{path}: no program named '{name}'; the object has: {string.Join(", ", spec.Programs.Select(p => p.Name))}");
        return [chosen];
    }
}
