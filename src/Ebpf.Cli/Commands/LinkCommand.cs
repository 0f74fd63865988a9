using System.CommandLine;
using System.Text.Json.Nodes;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Spectre.Console;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf link list [--json]</c> and <c>ebpf btf list [--json]</c>: the bpf links and BTF objects of the Linux kernel,
/// as <c>bpftool link show</c> and <c>bpftool btf show</c> list them.
/// </summary>
internal static class LinkCommand
{
    public static Command CreateLink()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON array" };
        var list = new Command("list", "List the kernel's bpf links: id, type, program, hook") { json };
        list.SetAction(parse => CommandAction.Run(() =>
        {
            var links = KernelLinkInfo.All();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonArray([.. links.Select(l => (JsonNode)new JsonObject
                {
                    ["id"] = l.Id, ["type"] = l.Type.ToString(), ["prog_id"] = l.ProgramId, ["ifindex"] = l.InterfaceIndex,
                    ["attach_type"] = l.AttachType?.ToString(), ["cgroup_id"] = l.CgroupId,
                })]).ToJsonString());
                return 0;
            }
            var table = new Table().AddColumns("id", "type", "prog", "ifindex", "attach type", "cgroup");
            foreach (var l in links)
                table.AddRow($"{l.Id}", $"{l.Type}", $"{l.ProgramId}", $"{l.InterfaceIndex}", $"{l.AttachType}", $"{l.CgroupId}");
            CliConsole.For(output).Write(table);
            return 0;
        }, parse.InvocationConfiguration.Error));
        return new Command("link", "Inspect the bpf links of the Linux kernel") { list };
    }

    public static Command CreateBtf()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON array" };
        var list = new Command("list", "List the kernel's BTF objects: id, name, size, kernel or loaded") { json };
        list.SetAction(parse => CommandAction.Run(() =>
        {
            var all = KernelBtfInfo.All();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonArray([.. all.Select(b => (JsonNode)new JsonObject
                {
                    ["id"] = b.Id, ["name"] = b.Name, ["size"] = b.Size, ["kernel_btf"] = b.IsKernel,
                })]).ToJsonString());
                return 0;
            }
            var table = new Table().AddColumns("id", "name", "size", "kernel");
            foreach (var b in all) table.AddRow($"{b.Id}", Markup.Escape(b.Name), $"{b.Size}", b.IsKernel ? "yes" : "");
            CliConsole.For(output).Write(table);
            return 0;
        }, parse.InvocationConfiguration.Error));
        return new Command("btf", "Inspect the BTF objects of the Linux kernel") { list };
    }

    private static IAnsiConsole Console(TextWriter output) =>
        CliConsole.For(output);
}
