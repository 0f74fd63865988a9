using System.Diagnostics;
using Ebpf.Capture;
using Ebpf.Linux.Capture;
using Ebpf.Linux.Tests.Examples;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Capture;

/// <summary>
/// A real Linux cooked v2 capture: tcpdump on the "any" device of a namespace records frames sent into a veth, and
/// the reader turns its records back into the Ethernet frames that were sent (the destination rebuilt from the
/// packet type, as <see cref="EthernetFrames"/> documents).
/// </summary>
public class CookedCaptureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Tcpdump_any_captures_convert_back_to_the_frames_that_were_sent()
    {
        string? tcpdump = new[] { "/usr/bin/tcpdump", "/usr/sbin/tcpdump" }.FirstOrDefault(File.Exists);
        if (tcpdump is null)
        {
            output.WriteLine("SKIPPED: tcpdump is not installed (tools/install-prerequisites installs it)");
            return;
        }
        using var veth = VethNamespace.TryCreate(out string reason);
        if (veth is null)
        {
            output.WriteLine($"SKIPPED: {reason}");
            return;
        }
        // Untagged frames only: a veth strips VLAN tags on receive, which is a property of the device, not of the format.
        var frames = CaptureFile.ReadAll(Path.Combine(ExampleKernelComparisonTests.RepositoryRoot(), "examples", "traffic", "mixed.pcap"))
            .Select(p => p.Data).Where(f => f.Length >= 14 && !(f[12] == 0x81 && f[13] == 0x00)).Take(120).ToList();
        string file = Path.Combine(Directory.CreateTempSubdirectory("ebpf-cooked-").FullName, "any.pcap");
        var start = new ProcessStartInfo("ip", ["netns", "exec", veth.Name, tcpdump, "-i", "any", "-Q", "in", "-U", "-w", file, "-c", $"{frames.Count}"])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        };
        using var capture = Process.Start(start)!;
        // tcpdump says "listening on any …" on stderr once it captures.
        var listening = Task.Run(async () =>
        {
            while (await capture.StandardError.ReadLineAsync() is { } line)
                if (line.Contains("listening on any")) return true;
            return false;
        });
        Assert.True(await listening.WaitAsync(TimeSpan.FromSeconds(20)), "tcpdump started capturing");
        using (var sender = PacketSocket.Open(VethNamespace.Outside, veth.Name))
            foreach (var frame in frames) sender.Send(frame);
        await capture.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, capture.ExitCode);

        using var reader = (PcapReader)CaptureFile.OpenRead(file);
        Assert.Equal(LinkType.LinuxSll2, reader.LinkType);
        var records = new List<CapturedPacket>();
        while (reader.TryRead(out var packet)) records.Add(packet);
        Assert.Equal(frames.Count, records.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            var sent = frames[i];
            var converted = EthernetFrames.ToEthernet(records[i], out string? why);
            Assert.True(converted is not null, why);
            Assert.Equal(Convert.ToHexString(sent.AsSpan(6)), Convert.ToHexString(converted.AsSpan(6)));
            bool broadcast = sent.AsSpan(0, 6).IndexOfAnyExcept((byte)0xff) < 0;
            bool multicast = (sent[0] & 1) != 0 && !broadcast;
            // The veth has its own random address, so unicast frames were to another host.
            byte[] destination = broadcast || multicast ? sent[..6] : EthernetFrames.OtherHost.ToArray();
            Assert.Equal(Convert.ToHexString(destination), Convert.ToHexString(converted.AsSpan(0, 6)));
        }
        output.WriteLine($"{records.Count} cooked records converted back");
    }
}
