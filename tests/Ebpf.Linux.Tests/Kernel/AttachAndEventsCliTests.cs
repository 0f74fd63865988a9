using System.Diagnostics;
using System.Text.Json.Nodes;
using Ebpf.Linux.Links;
using Ebpf.Linux.Tests.Links;
using Ebpf.Tests.Cli;
using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Links.LinkTestPrograms;

namespace Ebpf.Linux.Tests.Kernel;

/// <summary>
/// <c>ebpf attach</c> and <c>ebpf events</c> end to end: an XDP counter attached from the command line counts datagrams
/// sent across a veth pair and detaches when its time is up; exec events of processes this test starts are printed,
/// decoded by their BTF struct, while the command runs.
/// </summary>
public class AttachAndEventsCliTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Attach_xdp_counts_the_datagrams_sent_while_attached_and_detaches_after_its_duration()
    {
        if (KernelRequirement.Missing(output)) return;
        using var pair = NamespacePair.TryCreate(out string reason);
        if (pair is null)
        {
            output.WriteLine($"SKIPPED: {reason}");
            return;
        }
        var linksBefore = KernelLink.AllIds();
        using var receiver = UdpReceiver(pair.Local, NamespacePair.LocalAddress, 7001);
        var attached = Task.Run(() => CliRunner.Run("attach", "xdp", KernelCollectionTests.Example("xdp_counter.o"), "--dev", NamespacePair.LocalInterface,
            "--netns", pair.Local, "--mode", "generic", "--duration", "4", "--dump-maps"));
        // Wait for the link, then send.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!NamespacePair.LinkDetails(pair.Local, NamespacePair.LocalInterface).Contains("prog/xdp") && DateTime.UtcNow < deadline) await Task.Delay(50);
        SendUdp(pair.Remote, NamespacePair.LocalAddress, 7001, 6, 20);
        var (exit, text, error) = await attached;
        output.WriteLine(text + error);
        Assert.Equal(0, exit);
        Assert.Contains("XDP on interface 'veth-l'", text);
        Assert.EndsWith("detached", text.TrimEnd());
        var dump = JsonNode.Parse(text.Split('\n').Single(line => line.StartsWith("{\"maps\"", StringComparison.Ordinal)))!;
        // Slot 0 counts IPv4: six datagrams, each 14 + 20 + 8 + 20 bytes, summed over the per-CPU values.
        var ipv4 = dump["maps"]!["traffic_by_protocol"]!.AsArray().Single(e => e!["key"]!.GetValue<string>() == "00000000")!["values"]!.AsArray();
        ulong packets = 0, bytes = 0;
        foreach (var value in ipv4)
        {
            var raw = Convert.FromHexString(value!.GetValue<string>());
            packets += BitConverter.ToUInt64(raw, 0);
            bytes += BitConverter.ToUInt64(raw, 8);
        }
        Assert.Equal((6UL, 6UL * 62), (packets, bytes));
        Assert.DoesNotContain("prog/xdp", NamespacePair.LinkDetails(pair.Local, NamespacePair.LocalInterface));
        Assert.Equal(linksBefore.Order(), KernelLink.AllIds().Order());
    }

    [Fact]
    public async Task Events_prints_the_exec_of_started_processes_decoded_by_their_btf_struct()
    {
        if (KernelRequirement.Missing(output)) return;
        var events = Task.Run(() => CliRunner.Run("events", KernelCollectionTests.TestObject("exec_events.o"), "--program", "exec_to_ring", "--map", "exec_ring",
            "--struct", "exec_event", "--duration", "5"));
        var started = new List<int>();
        while (!events.IsCompleted)
        {
            using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
            started.Add(process.Id);
            await process.WaitForExitAsync();
            await Task.Delay(250);
        }
        var (exit, text, error) = await events;
        output.WriteLine(error);
        Assert.Equal(0, exit);
        var ours = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!)
            .Where(line => started.Contains(line["event"]!["pid"]!.GetValue<int>())).ToList();
        Assert.NotEmpty(ours);
        Assert.All(ours, line =>
        {
            Assert.Equal(160, line["size"]!.GetValue<int>());
            Assert.Equal("true", line["event"]!["comm"]!.GetValue<string>());
            Assert.Equal("/bin/true", line["event"]!["filename"]!.GetValue<string>());
        });
        Assert.Contains("attached 'exec_to_ring'", error);
    }

    [Fact]
    public void Events_without_an_event_map_choice_or_struct_explain_what_to_give()
    {
        var (exit, _, error) = CliRunner.Run("events", KernelCollectionTests.TestObject("exec_events.o"), "--program", "exec_to_ring");
        Assert.Equal(2, exit);
        Assert.Contains("several event maps (exec_ring, exec_perf); choose one with --map", error);
        (exit, _, error) = CliRunner.Run("events", KernelCollectionTests.TestObject("exec_events.o"), "--program", "exec_to_ring", "--map", "exec_ring", "--struct", "no_such");
        Assert.Equal(2, exit);
        Assert.Contains("has no struct or union 'no_such'", error);
    }
}
