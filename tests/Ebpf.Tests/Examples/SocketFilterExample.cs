namespace Ebpf.Tests.Examples;

/// <summary>
/// The cases of examples/socket_filter.c and whether it keeps each, shared with the kernel comparison. No case
/// announces IP without room for its header: the kernel refuses such skb test runs (see <see cref="Packets.TooShortForIp"/>).
/// </summary>
internal static class SocketFilterExample
{
    public static readonly (string Name, bool Kept)[] Cases =
    [
        ("ipv4-udp-53", true), ("ipv4-udp-54", false), ("ipv4-tcp-53", false), ("ipv4-udp-53-later-fragment", false),
        ("ipv4-udp-53-first-fragment", false), ("ipv6-udp-53", true), ("ipv6-udp-5353", false), ("arp", false),
        ("arp-short", false), ("ipv4-udp-header-missing", false),
    ];

    /// <summary>The packets by name.</summary>
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
        "arp-short" => Packets.ShortArp(),
        "ipv4-udp-header-missing" => Packets.Ipv4Udp("10.0.0.1", "10.0.0.53", 53)[..34], // bpf_skb_load_bytes of the UDP header fails
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
