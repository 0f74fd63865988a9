using System.Buffers.Binary;

namespace Ebpf.Tests.Examples;

/// <summary>The cases of examples/xdp_rewrite.c and what it should make of each, shared with the kernel comparison.</summary>
internal static class XdpRewriteExample
{
    public const uint Drop = 1, Pass = 2, Tx = 3;

    /// <summary>The packets by name.</summary>
    public static byte[] Packet(string name) => name switch
    {
        "ipv4-udp-padded" => Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53, frameLength: 60),
        "ipv4-udp-ttl-255" => Packets.Ipv4Udp("192.168.7.9", "172.16.0.1", 9, payload: 11, ttl: 255),
        "ipv4-udp-ttl-2" => Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53, ttl: 2, frameLength: 64),
        "ipv4-tcp" => Packets.Ipv4Tcp("10.1.2.3", "10.3.2.1", 443),
        "ipv4-ttl-1" => Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53, ttl: 1),
        "ipv4-truncated" => Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53)[..^1], // tot_len says one byte more than there is
        "ipv6" => Packets.Ipv6Udp(53),
        "arp" => Packets.Arp(),
        "too-short-for-ip" => Packets.TooShortForIp(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public static readonly (string Name, uint Verdict)[] Cases =
    [
        ("ipv4-udp-padded", Tx), ("ipv4-udp-ttl-255", Tx), ("ipv4-udp-ttl-2", Tx), ("ipv4-tcp", Tx),
        ("ipv4-ttl-1", Drop), ("ipv4-truncated", Drop), ("ipv6", Pass), ("arp", Pass), ("too-short-for-ip", Drop),
    ];

    /// <summary>
    /// The reflected frame, computed independently of the program: MACs and addresses swapped, TTL one less, the
    /// checksum computed afresh over the whole header, the frame cut after the IPv4 datagram.
    /// </summary>
    public static byte[] Reflected(byte[] packet)
    {
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(16));
        var frame = packet[..(14 + totalLength)];
        packet.AsSpan(0, 6).CopyTo(frame.AsSpan(6));
        packet.AsSpan(6, 6).CopyTo(frame);
        packet.AsSpan(26, 4).CopyTo(frame.AsSpan(30));
        packet.AsSpan(30, 4).CopyTo(frame.AsSpan(26));
        frame[22]--;
        frame[24] = frame[25] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(24), Packets.Checksum(frame.AsSpan(14, 20)));
        return frame;
    }
}
