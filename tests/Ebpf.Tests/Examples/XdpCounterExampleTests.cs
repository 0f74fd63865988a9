using System.Runtime.InteropServices;
using Ebpf.Runtime;

namespace Ebpf.Tests.Examples;

/// <summary>examples/xdp_counter.c: packets and bytes per protocol in a per-CPU array; every verdict XDP_PASS.</summary>
public class XdpCounterExampleTests
{
    [StructLayout(LayoutKind.Sequential)]
    private record struct Traffic(ulong Packets, ulong Bytes);

    private const uint Ipv4 = 0, Ipv6 = 1, Arp = 2, Other = 3;

    [Theory]
    [InlineData(ExecutionEngine.Interpreter)]
    [InlineData(ExecutionEngine.Jit)]
    public void Counts_each_protocol_and_passes_the_packet_unchanged(ExecutionEngine engine)
    {
        using var example = new ExampleObject("xdp_counter.o", "count_protocols", engine);
        byte[][] packets =
        [
            Packets.Ipv4Udp("192.168.1.1", "192.168.1.2", 53),  // 46 bytes
            Packets.Ipv4Tcp("192.168.1.1", "192.168.1.2", 80),  // 54
            Packets.Ipv6Udp(53),                                // 66
            Packets.Arp(),                                      // 42
            Packets.TooShortForIp(),                            // 20: announces IPv4, counted as other
            [.. Packets.Arp()[..12], 0x88, 0xcc, .. new byte[10]], // LLDP EtherType, 24 bytes: other
        ];
        foreach (var packet in packets)
        {
            var result = example.Run(packet);
            Assert.Equal(2u, result.ReturnValue); // XDP_PASS
            Assert.Equal(packet, result.DataOut);
        }

        var counts = example.Collection.Map("traffic_by_protocol").AsPerCpuTyped<uint, Traffic>();
        Assert.Equal(new Traffic(2, 46 + 54), counts.Get(Ipv4)![0]);
        Assert.Equal(new Traffic(1, 66), counts.Get(Ipv6)![0]);
        Assert.Equal(new Traffic(1, 42), counts.Get(Arp)![0]);
        Assert.Equal(new Traffic(2, 20 + 24), counts.Get(Other)![0]);
        foreach (uint slot in new[] { Ipv4, Ipv6, Arp, Other })
            Assert.All(counts.Get(slot)![1..], value => Assert.Equal(default, value)); // only processor slot 0 ran
    }
}
