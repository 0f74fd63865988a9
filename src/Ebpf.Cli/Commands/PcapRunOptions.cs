using System.CommandLine;

namespace Ebpf.Cli.Commands;

/// <summary>The options <c>ebpf run</c> takes for runs over a capture file: <c>--pcap IN [--write OUT] [--threads N]</c>.</summary>
internal sealed class PcapRunOptions
{
    /// <summary>The largest number of processor slots a run may use.</summary>
    public const int MaximumThreads = 256;

    public Option<string?> Input { get; } = new("--pcap") { Description = "Run on every packet of a pcap or pcapng file (Ethernet, raw IP, Linux cooked captures)" };

    public Option<string?> Output { get; } = new("--write") { Description = "With --pcap: write the packets the program passes or transmits, after its rewrites (.pcapng: pcapng, else pcap)" };

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
        options.Threads.Validators.Add(r =>
        {
            int threads = r.GetValueOrDefault<int>();
            if (threads < 1 || threads > MaximumThreads) r.AddError($"--threads must be between 1 and {MaximumThreads}, not {threads}");
        });
        command.Validators.Add(r =>
        {
            if (r.GetResult(options.Input) is not null) return;
            if (r.GetResult(options.Output) is not null) r.AddError("--write needs --pcap: it writes the packets of the capture that go on");
            if (r.GetResult(options.Threads) is { Implicit: false }) r.AddError("--threads needs --pcap: it spreads the capture's packets over threads");
        });
        return options;
    }
}
