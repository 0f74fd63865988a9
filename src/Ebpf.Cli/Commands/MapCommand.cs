using System.CommandLine;
using System.Text.Json.Nodes;
using Ebpf.Linux.Kernel;
using Ebpf.Maps;
using Spectre.Console;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf map list [--json]</c> and <c>ebpf map dump NAME|ID|PATH [--json]</c>: the maps of the Linux kernel, and the
/// contents of one, found by id, by pinned path, or by name when exactly one kernel map has it.
/// </summary>
internal static class MapCommand
{
    public static Command Create()
    {
        var listJson = new Option<bool>("--json") { Description = "Print one JSON array" };
        var list = new Command("list", "List the maps of the kernel: id, type, name, sizes") { listJson };
        list.SetAction(parse => CommandAction.Run(() =>
        {
            var maps = KernelMapInfo.All();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(listJson))
            {
                output.WriteLine(new JsonArray([.. maps.Select(m => (JsonNode)new JsonObject
                {
                    ["id"] = m.Id, ["name"] = m.Name, ["type"] = m.Type.ToString(), ["key_size"] = m.KeySize, ["value_size"] = m.ValueSize,
                    ["max_entries"] = m.MaxEntries, ["flags"] = (uint)m.Flags, ["btf_id"] = m.BtfId,
                })]).ToJsonString());
                return 0;
            }
            var console = CliConsole.For(output);
            var table = new Table().AddColumns("id", "type", "name", "key", "value", "max entries", "btf");
            foreach (var m in maps)
                table.AddRow($"{m.Id}", $"{m.Type}", Markup.Escape(m.Name), $"{m.KeySize}", $"{m.ValueSize}", $"{m.MaxEntries}", $"{m.BtfId}");
            console.Write(table);
            return 0;
        }, parse.InvocationConfiguration.Error));

        var which = new Argument<string>("map") { Description = "The map: its id, its pinned path (/sys/fs/bpf/…), or its name if only one kernel map has it" };
        var dumpJson = new Option<bool>("--json") { Description = "Print one JSON object" };
        var dump = new Command("dump", "Print every element of a kernel map (queues and stacks are emptied by reading them)") { which, dumpJson };
        dump.SetAction(parse => CommandAction.Run(() =>
        {
            using var map = Open(parse.GetValue(which)!);
            var (maps, _) = MapDump.Describe([map]);
            var output = parse.InvocationConfiguration.Output;
            var entries = maps[map.Name];
            if (parse.GetValue(dumpJson))
            {
                output.WriteLine(new JsonObject { ["id"] = map.Id, ["name"] = map.Name, ["type"] = map.Type.ToString(), ["entries"] = entries?.DeepClone() }.ToJsonString());
                return 0;
            }
            output.WriteLine($"map {map.Id} '{map.Name}' ({map.Type}, key {map.KeySize} B, value {map.ValueSize} B, max {map.MaxEntries})");
            foreach (var entry in entries?.AsArray() ?? [])
                output.WriteLine(entry!["key"] is { } key ? $"key {key}: {(entry["value"] ?? entry["values"] ?? entry["prog"])?.ToJsonString()}" : $"{entry.ToJsonString()}");
            return 0;
        }, parse.InvocationConfiguration.Error));
        return new Command("map", "Inspect maps of the Linux kernel") { list, dump };
    }

    private static KernelMap Open(string which)
    {
        if (uint.TryParse(which, out uint id)) return KernelMap.FromId(id);
        if (which.Contains('/')) return KernelMap.FromPin(which);
        var matches = KernelMapInfo.All().Where(m => m.Name == which).ToList();
        return matches.Count switch
        {
            1 => KernelMap.FromId(matches[0].Id),
            0 => throw new UsageException($"no kernel map is named '{which}' (names are cut to 15 characters); `ebpf map list` shows them"),
            _ => throw new UsageException($"{matches.Count} kernel maps are named '{which}' (ids {string.Join(", ", matches.Select(m => m.Id))}); give the id"),
        };
    }
}
