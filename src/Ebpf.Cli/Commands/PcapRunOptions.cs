using System.CommandLine;

namespace Ebpf.Cli.Commands;

/// <summary>
/// The options <c>ebpf run</c> takes for runs over many packets: a capture file (<c>--pcap IN</c>) or a live interface
/// (<c>--iface IFACE [--netns NAME] [--duration S] [--count N] [--inject]</c>), with <c>[--write OUT] [--threads N]</c>.
/// </summary>
internal sealed class PcapRunOptions
{
    /// <summary>The largest number of processor slots a run may use.</summary>
    public const int MaximumThreads = 256;

    public Option<string?> Input { get; } = new("--pcap") { Description = "Run on every packet of a pcap or pcapng file (Ethernet, raw IP, Linux cooked captures)" };

    public Option<string?> Output { get; } = new("--write") { Description = "With --pcap: write the packets the program passes or transmits, after its rewrites (.pcapng: pcapng, else pcap)" };

    public Option<string?> Interface { get; } = new("--iface") { Description = "Run on the frames a network interface receives (AF_PACKET; needs CAP_NET_RAW)" };

    public Option<string?> Namespace { get; } = new("--netns") { Description = "With --iface: the interface is in this network namespace (an ip netns name)" };

    public Option<double?> Duration { get; } = new("--duration") { Description = "With --iface: stop after S seconds (default: at Ctrl+C or --count)" };

    public Option<long?> Count { get; } = new("--count") { Description = "With --iface: stop after N packets" };

    public Option<bool> Inject { get; } = new("--inject") { Description = "With --iface: send XDP_TX and XDP_REDIRECT frames (TC_ACT_REDIRECT for tc) back out of the interface" };

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "With --pcap: spread packets over N processor slots by flow hash, each on its own thread (per-CPU maps get N slots)",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>Adds the options to <paramref name="command"/>, with the checks that they go together.</summary>
    public static PcapRunOptions AddTo(Command command)
    {
        var options = new PcapRunOptions();
        command.Options.Add(options.Input);
        command.Options.Add(options.Output);
        command.Options.Add(options.Threads);
        command.Options.Add(options.Interface);
        command.Options.Add(options.Namespace);
        command.Options.Add(options.Duration);
        command.Options.Add(options.Count);
        command.Options.Add(options.Inject);
        options.Threads.Validators.Add(r =>
        {
            int threads = r.GetValueOrDefault<int>();
            if (threads < 1 || threads > MaximumThreads) r.AddError($"--threads must be between 1 and {MaximumThreads}, not {threads}");
        });
        command.Validators.Add(r =>
        {
            if (r.GetResult(options.Interface) is null)
                foreach (var live in new Option[] { options.Namespace, options.Duration, options.Count, options.Inject })
                    if (r.GetResult(live) is not null) r.AddError($"{live.Name} needs --iface");
            if (r.GetValue(options.Duration) is <= 0) r.AddError("--duration must be positive");
            if (r.GetValue(options.Count) is <= 0) r.AddError("--count must be at least 1");
            if (r.GetResult(options.Input) is not null || r.GetResult(options.Interface) is not null)
            {
                // RunCommand's options for single packets: each capture packet runs once, in order.
                foreach (var single in r.Children.OfType<System.CommandLine.Parsing.OptionResult>())
                    if (single.Option.Name is "--runs" or "--repeat" && !single.Implicit)
                        r.AddError($"{single.Option.Name} applies to --data and --data-hex; with --pcap or --iface every packet runs once, in order");
                return;
            }
            if (r.GetResult(options.Output) is not null) r.AddError("--write needs --pcap or --iface: it writes the packets that go on");
            if (r.GetResult(options.Threads) is { Implicit: false }) r.AddError("--threads needs --pcap or --iface: it spreads their packets over threads");
        });
        return options;
    }

    /// <summary>Whether the command line asks for a run over many packets (a capture or an interface).</summary>
    public bool Requested(ParseResult parse) => parse.GetResult(Input) is not null || parse.GetResult(Interface) is not null;

    /// <summary>How many of the packet sources these options give (for the check that exactly one source is given).</summary>
    public int SourcesGiven(System.CommandLine.Parsing.CommandResult r) =>
        (r.GetResult(Input) is null ? 0 : 1) + (r.GetResult(Interface) is null ? 0 : 1);
}
