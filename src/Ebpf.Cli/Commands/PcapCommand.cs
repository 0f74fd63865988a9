using System.CommandLine;
using Ebpf.Capture;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf pcap generate OUT [--packets N] [--seed S]</c>: writes the bundled kind of deterministic mixed traffic.</summary>
internal static class PcapCommand
{
    public static Command Create()
    {
        var output = new Argument<string>("output") { Description = "The capture to write (.pcapng: pcapng, else pcap)" };
        var packets = new Option<int>("--packets") { Description = "How many packets", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Picks the traffic: the same seed gives the same file", DefaultValueFactory = _ => 1 };
        packets.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--packets must be at least 1"); });
        var generate = new Command("generate", "Write deterministic mixed traffic: IPv4/IPv6 TCP, UDP, ICMP, ICMPv6, ARP, VLAN, fragments, a few malformed frames")
        {
            output, packets, seed,
        };
        generate.SetAction(parse => CommandAction.Run(() =>
        {
            string path = parse.GetValue(output)!;
            int count = parse.GetValue(packets);
            try
            {
                using var writer = CaptureFile.Create(path, LinkType.Ethernet);
                new TrafficGenerator(parse.GetValue(seed)).WriteTo(writer, count);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new UsageException($"cannot write {path}: {e.Message}");
            }
            parse.InvocationConfiguration.Output.WriteLine($"wrote {count} packets to {path}");
            return 0;
        }, parse.InvocationConfiguration.Error));
        return new Command("pcap", "Capture files") { generate };
    }
}
