using System.CommandLine;
using System.Text.Json.Nodes;
using Ebpf.Linux.Kernel;
using Spectre.Console;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf prog list [--json]</c>: the programs loaded in the Linux kernel, as <c>bpftool prog show</c> lists them.</summary>
internal static class ProgCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON array" };
        var list = new Command("list", "List the programs loaded in the kernel: id, type, name, tag, sizes, maps") { json };
        list.SetAction(parse => CommandAction.Run(() =>
        {
            var programs = KernelProgramInfo.All();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonArray([.. programs.Select(p => (JsonNode)new JsonObject
                {
                    ["id"] = p.Id, ["name"] = p.Name, ["type"] = p.Type.ToString(), ["tag"] = p.Tag, ["gpl_compatible"] = p.GplCompatible,
                    ["xlated_bytes"] = p.TranslatedBytes, ["jited_bytes"] = p.JitedBytes, ["map_ids"] = new JsonArray([.. p.MapIds.Select(id => JsonValue.Create(id))]),
                    ["verified_insns"] = p.VerifiedInstructions, ["btf_id"] = p.BtfId, ["run_cnt"] = p.RunCount, ["run_time_ns"] = p.RunTimeNanoseconds,
                })]).ToJsonString());
                return 0;
            }
            var console = CliConsole.For(output);
            var table = new Table().AddColumns("id", "type", "name", "tag", "xlated", "jited", "maps", "btf");
            foreach (var p in programs)
                table.AddRow($"{p.Id}", $"{p.Type}", Markup.Escape(p.Name), p.Tag, $"{p.TranslatedBytes}", $"{p.JitedBytes}", string.Join(",", p.MapIds), $"{p.BtfId}");
            console.Write(table);
            return 0;
        }, parse.InvocationConfiguration.Error));
        return new Command("prog", "Inspect programs loaded in the Linux kernel") { list };
    }
}
