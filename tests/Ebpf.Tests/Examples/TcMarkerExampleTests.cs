using Ebpf.Runtime;

namespace Ebpf.Tests.Examples;

/// <summary>examples/tc_marker.c: TC_ACT_SHOT for IPv4 from a blocked source (counted in the map), TC_ACT_OK otherwise.</summary>
public class TcMarkerExampleTests
{
    private const uint Ok = 0, Shot = 2;

    [Theory]
    [InlineData(ExecutionEngine.Interpreter)]
    [InlineData(ExecutionEngine.Jit)]
    public void Drops_blocked_sources_and_counts_the_drops(ExecutionEngine engine)
    {
        using var example = new ExampleObject("tc_marker.o", "firewall", engine);
        var blocked = example.Collection.Map("blocked_sources");
        blocked.Update(Packets.Address("10.0.0.66"), BitConverter.GetBytes(0UL));
        blocked.Update(Packets.Address("10.0.0.99"), BitConverter.GetBytes(5UL));

        (byte[] Packet, uint Verdict)[] cases =
        [
            (Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53), Ok),
            (Packets.Ipv4Udp("10.0.0.66", "10.0.0.2", 53), Shot),
            (Packets.Ipv4Tcp("10.0.0.66", "10.0.0.2", 22), Shot),
            (Packets.Ipv4Tcp("10.0.0.2", "10.0.0.66", 22), Ok),  // blocked as a destination only: not matched
            (Packets.Ipv4Udp("10.0.0.99", "10.0.0.2", 123), Shot),
            (Packets.Ipv6Udp(53), Ok),
            (Packets.Arp(), Ok),
            (Packets.ShortArp(), Ok),  // fails the IPv4 bounds check before the EtherType is looked at
        ];
        foreach (var (packet, verdict) in cases)
        {
            var result = example.Run(packet);
            Assert.Equal(verdict, result.ReturnValue);
            Assert.Equal(packet, result.DataOut);
        }

        Assert.Equal(2UL, BitConverter.ToUInt64(blocked.Lookup(Packets.Address("10.0.0.66"))!));
        Assert.Equal(6UL, BitConverter.ToUInt64(blocked.Lookup(Packets.Address("10.0.0.99"))!));
        Assert.Equal(2, blocked.Keys().Count());
    }
}
