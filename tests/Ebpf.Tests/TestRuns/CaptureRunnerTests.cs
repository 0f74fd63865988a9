using System.Runtime.InteropServices;
using Ebpf.Capture;
using Ebpf.Elf;
using Ebpf.Maps;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.TestRuns;

public class CaptureRunnerTests
{
    [StructLayout(LayoutKind.Sequential)]
    private record struct Traffic(ulong Packets, ulong Bytes);

    private static string Example(string name) => Path.Combine(RepositoryPaths.Root, "examples", name);

    private static byte[] Capture(int packets, int seed)
    {
        var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, LinkType.Ethernet, TimestampResolution.Nanoseconds, leaveOpen: true))
            new TrafficGenerator(seed).WriteTo(writer, packets);
        return stream.ToArray();
    }

    private sealed record Outcome(CaptureRunSummary Summary, List<CapturedPacket> Written, LoadedCollection Collection);

    private static Outcome Run(string objectName, byte[] capture, ExecutionEngine engine, int slots, MemoryChecks checks = MemoryChecks.Checked)
    {
        var spec = ObjectFile.Load(Example(objectName));
        var collection = LoadedCollection.Create(spec, new MapCreateOptions { ProcessorCount = slots });
        var program = collection.Program(spec.Programs[0].Name, engine, new ExecutionOptions { MemoryChecks = checks });
        var runner = new CaptureRunner(program, LoadedCollection.TypeOf(spec.Programs[0])!, slots) { BatchSize = 257 };
        var output = new MemoryStream();
        CaptureRunSummary summary;
        using (var reader = CaptureFile.OpenRead(new MemoryStream(capture), "test.pcap"))
        using (var writer = new PcapWriter(output, LinkType.Ethernet, TimestampResolution.Nanoseconds, leaveOpen: true))
            summary = runner.Run(reader, writer);
        var written = new List<CapturedPacket>();
        using (var back = CaptureFile.OpenRead(new MemoryStream(output.ToArray()), "out.pcap"))
            while (back.TryRead(out var packet)) written.Add(packet);
        return new Outcome(summary, written, collection);
    }

    [Fact]
    public void Every_engine_gives_the_verdicts_and_rewritten_packets_of_single_test_runs()
    {
        var capture = Capture(1500, 11);
        var input = CaptureFile.OpenRead(new MemoryStream(capture), "t");
        var spec = ObjectFile.Load(Example("xdp_rewrite.o"));
        using var reference = LoadedCollection.Create(spec);
        var interpreter = reference.Program("reflect", ExecutionEngine.Interpreter);
        var expected = new List<byte[]>();
        var verdicts = new SortedDictionary<uint, long>();
        while (input.TryRead(out var packet))
        {
            if (packet.Data.Length < 14) continue;
            var result = TestRunner.Run(interpreter, KnownProgramTypesXdp, packet.Data);
            verdicts[result.ReturnValue] = verdicts.GetValueOrDefault(result.ReturnValue) + 1;
            if (result.ReturnValue is 2 or 3 or 4) expected.Add(result.DataOut);
        }
        Assert.True(verdicts.Count >= 3, "the traffic reaches XDP_DROP, XDP_PASS and XDP_TX");

        foreach (var (engine, checks, slots) in new[] { (ExecutionEngine.Interpreter, MemoryChecks.Checked, 1), (ExecutionEngine.Jit, MemoryChecks.Checked, 1),
                     (ExecutionEngine.Jit, MemoryChecks.Unchecked, 1), (ExecutionEngine.Jit, MemoryChecks.Checked, 3), (ExecutionEngine.Interpreter, MemoryChecks.Checked, 2) })
        {
            var outcome = Run("xdp_rewrite.o", capture, engine, slots, checks);
            using var _ = outcome.Collection;
            Assert.Equal(1500, outcome.Summary.Packets);
            Assert.Equal(verdicts.Select(v => (v.Key, v.Value)), outcome.Summary.Verdicts.Select(v => (v.ReturnValue, v.Packets)));
            Assert.Equal(expected.Count, outcome.Summary.Written);
            Assert.Equal(expected.Select(Convert.ToHexString), outcome.Written.Select(p => Convert.ToHexString(p.Data)));
            Assert.Null(outcome.Summary.FormatError);
        }
    }

    private static Ebpf.ProgramTypes.ProgramType KnownProgramTypesXdp => Ebpf.ProgramTypes.KnownProgramTypes.Xdp;

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void Spreading_over_slots_keeps_the_totals_and_per_cpu_sums_of_one_slot(ExecutionEngine engine)
    {
        var capture = Capture(4000, 5);
        var single = Run("xdp_counter.o", capture, engine, 1);
        using var _ = single.Collection;
        var one = single.Collection.Map("traffic_by_protocol").AsPerCpuTyped<uint, Traffic>();
        foreach (int slots in new[] { 2, 4 })
        {
            var spread = Run("xdp_counter.o", capture, engine, slots);
            using var __ = spread.Collection;
            Assert.Equal(single.Summary.Packets, spread.Summary.Packets);
            Assert.Equal(single.Summary.Bytes, spread.Summary.Bytes);
            Assert.Equal(single.Summary.Verdicts, spread.Summary.Verdicts);
            Assert.Equal(single.Summary.Problems.Select(p => (p.Kind, p.Packets)), spread.Summary.Problems.Select(p => (p.Kind, p.Packets)));
            Assert.Equal(slots, spread.Summary.PacketsPerSlot.Count);
            Assert.All(spread.Summary.PacketsPerSlot, count => Assert.True(count > 4000 / slots / 3, $"slot got {count} packets"));
            Assert.Equal(single.Summary.PacketsPerSlot[0], spread.Summary.PacketsPerSlot.Sum());
            // Output order is the file's whatever the number of slots (the generator's timestamps increase).
            Assert.Equal(single.Written.Select(p => p.TimestampNanoseconds), spread.Written.Select(p => p.TimestampNanoseconds));
            Assert.True(spread.Written.Zip(spread.Written.Skip(1)).All(w => w.First.TimestampNanoseconds < w.Second.TimestampNanoseconds));

            var many = spread.Collection.Map("traffic_by_protocol").AsPerCpuTyped<uint, Traffic>();
            for (uint protocol = 0; protocol < 4; protocol++)
            {
                var perSlot = many.Get(protocol)!;
                Assert.Equal(slots, perSlot.Length);
                Assert.Equal(one.Get(protocol)![0], new Traffic((ulong)perSlot.Sum(t => (long)t.Packets), (ulong)perSlot.Sum(t => (long)t.Bytes)));
                Assert.True(perSlot.Count(t => t.Packets > 0) > 1 || one.Get(protocol)![0].Packets < 10, "the work really was spread");
            }
        }
    }

    [Fact]
    public void A_damaged_capture_still_runs_and_writes_the_packets_before_the_damage()
    {
        var capture = Capture(100, 2);
        int recordStart = 24;
        var reader = new PcapReader(new MemoryStream(capture));
        for (int i = 0; i < 60; i++)
        {
            Assert.True(reader.TryRead(out var p));
            recordStart += 16 + p.Data.Length;
        }
        var cut = capture[..(recordStart + 10)];
        var outcome = Run("xdp_counter.o", cut, ExecutionEngine.Jit, 2);
        using var _ = outcome.Collection;
        Assert.Equal(60, outcome.Summary.Packets);
        Assert.Equal(60, outcome.Summary.Verdicts.Sum(v => v.Packets) + outcome.Summary.Problems.Sum(p => p.Packets));
        Assert.Equal(outcome.Summary.Verdicts.Sum(v => v.Packets), outcome.Written.Count);
        Assert.NotNull(outcome.Summary.FormatError);
        Assert.Equal(recordStart, outcome.Summary.FormatError.Offset);
        Assert.Equal("record 61", outcome.Summary.FormatError.Place);
    }

    [Fact]
    public void Socket_filters_write_the_accepted_bytes_and_runts_are_refused_with_einval()
    {
        var capture = Capture(800, 9);
        var outcome = Run("socket_filter.o", capture, ExecutionEngine.Jit, 1);
        using var _ = outcome.Collection;
        var accepted = outcome.Summary.Verdicts.Where(v => v.ReturnValue != 0).ToArray();
        Assert.NotEmpty(accepted);
        Assert.All(accepted, v => Assert.Equal("accept", v.Name));
        Assert.Equal("drop", outcome.Summary.Verdicts.Single(v => v.ReturnValue == 0).Name);
        Assert.Equal(accepted.Sum(v => v.Packets), outcome.Written.Count);
        var originals = CaptureFile.OpenRead(new MemoryStream(capture), "t");
        var byTime = new Dictionary<long, byte[]>();
        while (originals.TryRead(out var p)) byTime[p.TimestampNanoseconds] = p.Data;
        foreach (var written in outcome.Written)
        {
            var original = byTime[written.TimestampNanoseconds];
            Assert.Equal(original[..written.Data.Length], written.Data); // the frame, Ethernet header kept, cut to 14 + the accepted length
        }
        var refused = outcome.Summary.Problems.Single(p => p.Kind == PacketProblemKind.Refused);
        Assert.Equal(Errno.EINVAL, refused.Errno);
    }

    [Fact]
    public void Records_without_an_ethernet_form_are_counted_not_run()
    {
        var stream = new MemoryStream();
        using (var writer = new PcapNgWriter(stream, leaveOpen: true))
        {
            writer.AddInterface(LinkType.LinuxSll);
            writer.AddInterface(LinkType.Raw);
            byte[] llc = [0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0x04, 0xaa, 0xaa, 3, 0, 0, 0];
            writer.Write(new CapturedPacket(1, LinkType.LinuxSll, llc, llc.Length, 0));
            byte[] ip = Convert.FromHexString("45000020000100004011f7cac0a80101c0a8010204d2162e000c0000616263");
            writer.Write(new CapturedPacket(2, LinkType.Raw, ip, ip.Length, 1));
        }
        var outcome = Run("xdp_counter.o", stream.ToArray(), ExecutionEngine.Jit, 1);
        using var _ = outcome.Collection;
        Assert.Equal(2, outcome.Summary.Packets);
        var problem = Assert.Single(outcome.Summary.Problems);
        Assert.Equal((PacketProblemKind.Unconvertible, 1L, 1L), (problem.Kind, problem.Packets, problem.FirstRecord));
        Assert.Equal(new VerdictCount(2, "XDP_PASS", 1, 14 + 31), Assert.Single(outcome.Summary.Verdicts));
        Assert.Equal(45, Assert.Single(outcome.Written).Data.Length);
        Assert.Equal(new Traffic(1, 45), outcome.Collection.Map("traffic_by_protocol").AsPerCpuTyped<uint, Traffic>().Get(0)![0]);
    }
}
