using Ebpf.Runtime;

namespace Ebpf.Tests.Examples;

/// <summary>examples/socket_filter.c: keeps UDP to port 53 whole (returns skb->len), drops everything else (0).</summary>
public class SocketFilterExampleTests
{
    /// <summary>A case: the packet and whether the filter keeps it.</summary>
    public static TheoryData<ExecutionEngine, string, bool> Cases()
    {
        var data = new TheoryData<ExecutionEngine, string, bool>();
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
            foreach (var (name, kept) in Expectations)
                data.Add(engine, name, kept);
        return data;
    }

    private static readonly (string Name, bool Kept)[] Expectations =
    [
        ("ipv4-udp-53", true), ("ipv4-udp-54", false), ("ipv4-tcp-53", false), ("ipv4-udp-53-later-fragment", false),
        ("ipv4-udp-53-first-fragment", false), ("ipv6-udp-53", true), ("ipv6-udp-5353", false), ("arp", false),
        ("too-short-for-ip", false),
    ];

    /// <summary>The packets, by name (shared with the kernel comparison).</summary>
    public static byte[] Packet(string name) => name switch
    {
        "ipv4-udp-53" => Packets.Ipv4Udp("10.0.0.1", "10.0.0.53", 53),
        "ipv4-udp-54" => Packets.Ipv4Udp("10.0.0.1", "10.0.0.53", 54),
        "ipv4-tcp-53" => Packets.Ipv4Tcp("10.0.0.1", "10.0.0.53", 53),
        "ipv4-udp-53-later-fragment" => Packets.Ipv4Udp("10.0.0.1", "10.0.0.53", 53, fragment: 0x0003),
        "ipv4-udp-53-first-fragment" => Packets.Ipv4Udp("10.0.0.1", "10.0.0.53", 53, fragment: 0x2000),
        "ipv6-udp-53" => Packets.Ipv6Udp(53),
        "ipv6-udp-5353" => Packets.Ipv6Udp(5353),
        "arp" => Packets.Arp(),
        "too-short-for-ip" => Packets.TooShortForIp(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Keeps_only_udp_to_port_53(ExecutionEngine engine, string packetName, bool kept)
    {
        using var example = new ExampleObject("socket_filter.o", "dns_only", engine);
        byte[] packet = Packet(packetName);
        var result = example.Run(packet);
        // skb->len counts from the network header: the Ethernet header was pulled before the filter ran.
        Assert.Equal(kept ? (uint)(packet.Length - 14) : 0u, result.ReturnValue);
        Assert.Equal([.. new byte[14], .. packet[14..]], result.DataOut);
    }
}
