using Ebpf.Capture;
using Ebpf.Elf;
using Ebpf.Linux.Capture;
using Ebpf.Linux.Syscalls;
using Ebpf.Linux.Tests.Examples;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Capture;

/// <summary>
/// examples/socket_filter.c attached in the kernel (SO_ATTACH_BPF) to a packet socket reading a veth accepts exactly
/// the frames the user-space runs accept, with the same bytes.
/// </summary>
public class SocketFilterLiveTests(ITestOutputHelper output)
{
    private static string Example(string name) => Path.Combine(ExampleKernelComparisonTests.RepositoryRoot(), "examples", name);

    [Fact]
    public async Task The_kernel_filter_on_a_live_socket_accepts_what_the_user_space_runs_accept()
    {
        if (KernelRequirement.Missing(output)) return;
        using var veth = VethNamespace.TryCreate(out string reason);
        if (veth is null)
        {
            output.WriteLine($"SKIPPED: {reason}");
            return;
        }
        var spec = ObjectFile.Load(Example("socket_filter.o"));
        var instructions = spec.Program("dns_only").Instructions;
        var type = KnownProgramTypes.SocketFilter;
        var ours = ExecutionEngines.Prepare(ExecutionEngine.Jit, instructions, TestRunner.OptionsFor(type));

        // VLAN-tagged frames are left out: the veth strips their tag on receive (rx VLAN offload), so the live filter
        // sees the inner packet where a test run sees the tag. Frames the test run refuses (EINVAL) are left out too:
        // a live socket still shows them to its filter.
        var frames = new List<byte[]>();
        var expected = new List<string>();
        foreach (var packet in CaptureFile.ReadAll(Example(Path.Combine("traffic", "mixed.pcap"))))
        {
            var frame = packet.Data;
            if (frame.Length < 14 || (frame[12] == 0x81 && frame[13] == 0x00)) continue;
            TestRunResult result;
            try
            {
                result = TestRunner.Run(ours, type, frame);
            }
            catch (TestRunException)
            {
                continue;
            }
            frames.Add(frame);
            if (result.ReturnValue != 0)
                expected.Add(Convert.ToHexString(frame.AsSpan(14, (int)Math.Min(result.ReturnValue, (uint)(frame.Length - 14)))));
        }
        Assert.NotEmpty(expected);

        using var program = Ebpf.Linux.Programs.ProgramLoader.Load(ProgramTypeId.SocketFilter, instructions, "GPL", "dns_only");
        using var filtered = PacketSocket.Open(VethNamespace.Inside, veth.Name, TimeSpan.FromSeconds(5), expected.Count, linkLayer: false);
        filtered.AttachFilter(program.Value);
        using var sender = PacketSocket.Open(VethNamespace.Outside, veth.Name, TimeSpan.FromSeconds(1));
        var received = Task.Run(() =>
        {
            var accepted = new List<string>();
            while (filtered.TryRead(out var packet)) accepted.Add(Convert.ToHexString(packet.Data));
            return accepted;
        });
        foreach (var frame in frames) sender.Send(frame);
        var accepted = await received.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(expected, accepted);
        Assert.Equal(0, filtered.TakeStatistics().Dropped);
        output.WriteLine($"{frames.Count} frames sent, {accepted.Count} accepted by the kernel and by the user-space runs");
    }
}
