using System.CommandLine;
using System.Text.Json.Nodes;
using Ebpf.Cli.Input;
using Ebpf.Elf;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Ebpf.ProgramTypes;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf attach xdp|tc|tracepoint|raw-tracepoint|cgroup OBJ --program NAME …</c>: loads an object into the kernel and
/// attaches one program to a hook. It stays attached until Ctrl-C or <c>--duration</c> ends (then it detaches and, with
/// <c>--dump-maps</c>, prints the maps), or with <c>--pin PATH</c> the link is pinned and outlives the command.
/// </summary>
internal static class AttachCommand
{
    public static Command Create()
    {
        var command = new Command("attach", "Load an object into the kernel and attach a program to a hook (XDP, tc, tracepoint, raw tracepoint, cgroup)");

        var dev = new Option<string>("--dev") { Description = "The network interface", Required = true };
        var mode = new Option<string>("--mode") { Description = "XDP mode: default, generic (skb), native (driver) or offload", DefaultValueFactory = _ => "default" };
        var netns = new Option<string?>("--netns") { Description = "The network namespace (an `ip netns` name) the interface lives in" };
        command.Subcommands.Add(Kind("xdp", "Attach an XDP program to a network interface (bpf_link)", [dev, mode, netns],
            (program, parse) => program.AttachXdp(parse.GetValue(dev)!, AttachPoints.XdpMode(parse.GetValue(mode)!), parse.GetValue(netns))));

        var tcDev = new Option<string>("--dev") { Description = "The network interface", Required = true };
        var direction = new Option<string>("--direction") { Description = "ingress or egress", DefaultValueFactory = _ => "ingress" };
        direction.AcceptOnlyFromAmong("ingress", "egress");
        var tcNetns = new Option<string?>("--netns") { Description = "The network namespace (an `ip netns` name) the interface lives in" };
        command.Subcommands.Add(Kind("tc", "Attach a tc (sched_cls) program with a tcx link (Linux 6.6+)", [tcDev, direction, tcNetns],
            (program, parse) => program.AttachTcx(parse.GetValue(tcDev)!, parse.GetValue(direction) == "egress" ? TcxDirection.Egress : TcxDirection.Ingress,
                parse.GetValue(tcNetns))));

        var tracepoint = new Option<string?>("--tracepoint") { Description = "CATEGORY/NAME (default: from the section name tracepoint/CATEGORY/NAME)" };
        command.Subcommands.Add(Kind("tracepoint", "Attach a tracepoint program (perf event + bpf_link)", [tracepoint],
            (program, parse, section) => AttachPoints.AttachTracing(program, section, parse.GetValue(tracepoint), null)));

        var rawName = new Option<string?>("--raw-tracepoint") { Description = "The raw tracepoint (default: from the section name raw_tp/NAME)" };
        command.Subcommands.Add(Kind("raw-tracepoint", "Attach a raw tracepoint program", [rawName],
            (program, parse, section) => AttachPoints.AttachTracing(program, section, null, parse.GetValue(rawName))));

        var cgroup = new Option<string>("--cgroup") { Description = "The cgroup directory (in the cgroup2 hierarchy)", Required = true };
        var attachType = new Option<string>("--attach-type") { Description = "ingress, egress, sock_create, sock_ops, connect4, connect6, bind4, bind6, post_bind4", Required = true };
        command.Subcommands.Add(Kind("cgroup", "Attach a cgroup program to a cgroup directory", [cgroup, attachType],
            (program, parse) => program.AttachCgroup(parse.GetValue(cgroup)!, AttachPoints.CgroupAttachType(parse.GetValue(attachType)!))));
        return command;
    }

    private static Command Kind(string name, string description, Option[] hookOptions, Func<KernelProgram, ParseResult, KernelLink> attach) =>
        Kind(name, description, hookOptions, (program, parse, _) => attach(program, parse));

    private static Command Kind(string name, string description, Option[] hookOptions, Func<KernelProgram, ParseResult, string, KernelLink> attach)
    {
        var file = new Argument<string>("object") { Description = "An ELF object built with clang -target bpf" };
        var program = new Option<string?>("--program") { Description = "The program to attach (default: the only one)" };
        var pin = new Option<string?>("--pin") { Description = "Pin the link at this path in the bpf file system and exit, leaving the program attached" };
        var duration = new Option<double?>("--duration") { Description = "Detach after this many seconds (default: at Ctrl-C)" };
        var dumpMaps = new Option<bool>("--dump-maps") { Description = "Print every map of the object as JSON when detaching" };
        var command = new Command(name, description) { file, program, pin, duration, dumpMaps };
        foreach (var option in hookOptions) command.Options.Add(option);
        command.SetAction(async (parse, cancellation) => await CommandAction.RunAsync(async () =>
        {
            string path = parse.GetValue(file)!;
            var spec = ObjectFile.Load(ProgramLoader.ReadFile(path));
            var programSpec = RunCommand.ChooseProgram(spec, parse.GetValue(program), path);
            using var collection = KernelLoading.Load(spec, programSpec.Name);
            var output = parse.InvocationConfiguration.Output;
            using var link = attach(collection.Program(programSpec.Name), parse, programSpec.SectionName);
            output.WriteLine($"attached '{programSpec.Name}' (program {collection.Program(programSpec.Name).Id}): {link}");
            if (parse.GetValue(pin) is { } pinPath)
            {
                link.Pin(pinPath);
                output.WriteLine($"pinned at {pinPath}: it stays attached until the pin is removed (rm {pinPath})");
                return 0;
            }
            output.WriteLine(parse.GetValue(duration) is { } seconds ? $"detaching in {seconds} s" : "detaching at Ctrl-C");
            try
            {
                await Task.Delay(parse.GetValue(duration) is { } wait ? TimeSpan.FromSeconds(wait) : Timeout.InfiniteTimeSpan, cancellation);
            }
            catch (OperationCanceledException)
            {
            }
            if (parse.GetValue(dumpMaps))
            {
                var names = collection.Programs.Values.ToDictionary(p => p.Id, p => p.Name);
                var (maps, _) = MapDump.Describe(spec.Maps.Select(m => (Ebpf.Maps.IMapView)collection.Map(m.Name)), names.GetValueOrDefault);
                output.WriteLine(new JsonObject { ["maps"] = maps }.ToJsonString());
            }
            output.WriteLine("detached");
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }
}
