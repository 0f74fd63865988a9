using Ebpf.Capture;
using Ebpf.Elf;
using Ebpf.Linux.Capture;
using Ebpf.Linux.Tests.Examples;
using Ebpf.Maps;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Capture;

/// <summary>
/// Live capture on a veth pair in a network namespace the test creates: frames sent into one end are the frames the
/// program runs on at the other, and XDP_TX frames go back out.
/// </summary>
public class LiveCaptureTests(ITestOutputHelper output)
{
    private static string Example(string name) => Path.Combine(ExampleKernelComparisonTests.RepositoryRoot(), "examples", name);

    /// <summary>The first <paramref name="count"/> frames of the bundled capture that a veth carries (at least an Ethernet header).</summary>
    private static List<byte[]> Frames(int count) =>
        [.. CaptureFile.ReadAll(Example(Path.Combine("traffic", "mixed.pcap"))).Select(p => p.Data).Where(f => f.Length >= 14).Take(count)];

    [Fact]
    public async Task A_live_run_counts_exactly_the_frames_sent_into_the_veth()
    {
        using var veth = VethNamespace.TryCreate(out string reason);
        if (veth is null)
        {
            output.WriteLine($"SKIPPED: {reason}");
            return;
        }
        var frames = Frames(300);
        var spec = ObjectFile.Load(Example("xdp_counter.o"));
        using var live = LoadedCollection.Create(spec, new MapCreateOptions { ProcessorCount = 2 });
        using var fromFile = LoadedCollection.Create(spec, new MapCreateOptions { ProcessorCount = 2 });
        var type = LoadedCollection.TypeOf(spec.Programs[0])!;

        using var capture = PacketSocket.Open(VethNamespace.Inside, veth.Name, TimeSpan.FromSeconds(30), frames.Count);
        using var sender = PacketSocket.Open(VethNamespace.Outside, veth.Name, TimeSpan.FromSeconds(1));
        var run = Task.Run(() => new CaptureRunner(live.Program("count_protocols"), type, 2) { BatchSize = 1 }.Run(capture));
        foreach (var frame in frames) sender.Send(frame);
        var summary = await run.WaitAsync(TimeSpan.FromSeconds(40));

        var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, LinkType.Ethernet, leaveOpen: true))
            foreach (var frame in frames) writer.Write(new CapturedPacket(0, LinkType.Ethernet, frame, frame.Length));
        var expected = new CaptureRunner(fromFile.Program("count_protocols"), type, 2).Run(CaptureFile.OpenRead(new MemoryStream(stream.ToArray()), "frames"));

        Assert.Equal(frames.Count, summary.Packets);
        Assert.Equal(frames.Sum(f => (long)f.Length), summary.Bytes);
        Assert.Equal(expected.Verdicts, summary.Verdicts);
        Assert.Equal(expected.PacketsPerSlot, summary.PacketsPerSlot);
        var liveCounts = live.Map("traffic_by_protocol");
        var fileCounts = fromFile.Map("traffic_by_protocol");
        for (uint protocol = 0; protocol < 4; protocol++)
        {
            var key = BitConverter.GetBytes(protocol);
            var a = new byte[liveCounts.HostValueSize];
            var b = new byte[fileCounts.HostValueSize];
            Assert.True(liveCounts.Lookup(key, a));
            Assert.True(fileCounts.Lookup(key, b));
            Assert.Equal(Convert.ToHexString(b), Convert.ToHexString(a));
        }
        output.WriteLine($"{summary.Packets} frames, {summary.Bytes} bytes; per slot {string.Join(", ", summary.PacketsPerSlot)}");
    }

    [Fact]
    public async Task Xdp_tx_frames_are_sent_back_out_of_the_interface_after_the_rewrite()
    {
        using var veth = VethNamespace.TryCreate(out string reason);
        if (veth is null)
        {
            output.WriteLine($"SKIPPED: {reason}");
            return;
        }
        var frames = Frames(200);
        var spec = ObjectFile.Load(Example("xdp_rewrite.o"));
        using var collection = LoadedCollection.Create(spec);
        var program = collection.Program("reflect");
        var type = KnownProgramTypesXdp;
        var transmitted = frames.Select(f => TestRunner.Run(program, type, f)).Where(r => r.ReturnValue == 3).Select(r => Convert.ToHexString(r.DataOut)).ToList();
        Assert.NotEmpty(transmitted);

        using var capture = PacketSocket.Open(VethNamespace.Inside, veth.Name, TimeSpan.FromSeconds(30), frames.Count);
        using var echo = PacketSocket.Open(VethNamespace.Outside, veth.Name, TimeSpan.FromSeconds(30), transmitted.Count);
        var run = Task.Run(() => new CaptureRunner(program, type) { BatchSize = 1, Transmit = frame => capture.Send(frame) }.Run(capture));
        var received = Task.Run(() =>
        {
            var back = new List<string>();
            while (echo.TryRead(out var packet)) back.Add(Convert.ToHexString(packet.Data));
            return back;
        });
        foreach (var frame in frames) echo.Send(frame);
        var summary = await run.WaitAsync(TimeSpan.FromSeconds(40));
        var echoes = await received.WaitAsync(TimeSpan.FromSeconds(40));
        Assert.Equal(transmitted.Count, summary.Verdicts.Single(v => v.ReturnValue == 3).Packets);
        // Exactly the rewritten frames, in order: the sender's own outgoing frames are not read back as received ones.
        Assert.Equal(transmitted, echoes);
    }

    private static Ebpf.ProgramTypes.ProgramType KnownProgramTypesXdp => Ebpf.ProgramTypes.KnownProgramTypes.Xdp;

    [Fact]
    public void A_missing_interface_is_a_clear_error()
    {
        var error = Assert.Throws<PacketSocketException>(() => PacketSocket.Open("no-such-if0"));
        Assert.Contains("there is no interface 'no-such-if0' here (ip link lists them)", error.Message);
        var namespaceError = Assert.Throws<PacketSocketException>(() => PacketSocket.Open("lo", "no-such-namespace"));
        Assert.Contains("is there a network namespace 'no-such-namespace' (ip netns list)?", namespaceError.Message);
    }
}
