using Ebpf.Capture;

namespace Ebpf.Tests.Capture;

public class EthernetFramesTests
{
    private static readonly byte[] Ipv4 = Convert.FromHexString("45000020000100004011f7cac0a80101c0a8010204d2162e000c0000616263");
    private static readonly byte[] Ipv6 = Convert.FromHexString("6000000000083a40" + "20010db8000000000000000000000001" + "ff020000000000000000000000000001" + "8000000000010001");
    private static readonly byte[] Mac = [0x02, 0x42, 0xac, 0x11, 0x00, 0x07];

    private static byte[] Convert1(LinkType type, byte[] data)
    {
        var frame = EthernetFrames.ToEthernet(new CapturedPacket(0, type, data, data.Length), out string? reason);
        Assert.True(frame is not null, reason);
        return frame;
    }

    [Fact]
    public void Ethernet_frames_stay_as_they_are()
    {
        byte[] frame = [.. new byte[12], 0x08, 0x00, .. Ipv4];
        Assert.Same(frame, Convert1(LinkType.Ethernet, frame));
    }

    [Theory]
    [InlineData(LinkType.Raw)]
    [InlineData(LinkType.RawLegacy12)]
    [InlineData(LinkType.RawLegacy14)]
    [InlineData(LinkType.Ipv4)]
    public void Raw_ip_gets_a_host_addressed_header_with_the_ethertype_of_its_version(LinkType type)
    {
        Assert.Equal([.. new byte[12], 0x08, 0x00, .. Ipv4], Convert1(type, Ipv4));
        Assert.Equal([.. new byte[12], 0x86, 0xdd, .. Ipv6], Convert1(type == LinkType.Ipv4 ? LinkType.Ipv6 : type, Ipv6));
    }

    [Fact]
    public void Raw_data_that_is_not_ip_has_no_ethernet_form()
    {
        Assert.Null(EthernetFrames.ToEthernet(new CapturedPacket(0, LinkType.Raw, [0x25, 0, 0], 3), out string? reason));
        Assert.Equal("the raw record's IP version is 2, neither 4 nor 6", reason);
    }

    private static byte[] Sll(ushort packetType, byte[] address, ushort protocol, byte[] payload) =>
    [
        (byte)(packetType >> 8), (byte)packetType, 0, 1, 0, (byte)address.Length, .. address, .. new byte[8 - address.Length],
        (byte)(protocol >> 8), (byte)protocol, .. payload,
    ];

    private static byte[] Sll2(ushort protocol, byte packetType, byte[] address, byte[] payload) =>
    [
        (byte)(protocol >> 8), (byte)protocol, 0, 0, 0, 0, 0, 3, 0, 1, packetType, (byte)address.Length, .. address,
        .. new byte[8 - address.Length], .. payload,
    ];

    [Fact]
    public void Cooked_captures_keep_the_source_address_and_rebuild_the_destination_from_the_packet_type()
    {
        Assert.Equal([.. new byte[6], .. Mac, 0x08, 0x00, .. Ipv4], Convert1(LinkType.LinuxSll, Sll(0, Mac, 0x0800, Ipv4)));
        Assert.Equal([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, .. Mac, 0x08, 0x06, 1, 2], Convert1(LinkType.LinuxSll, Sll(1, Mac, 0x0806, [1, 2])));
        // Multicast: the MAC the IP destination maps to (ff02::1 → 33:33:00:00:00:01; 192.168.1.2 has no multicast form but the rule applies).
        Assert.Equal([0x33, 0x33, 0, 0, 0, 1, .. Mac, 0x86, 0xdd, .. Ipv6], Convert1(LinkType.LinuxSll2, Sll2(0x86dd, 2, Mac, Ipv6)));
        Assert.Equal([0x01, 0x00, 0x5e, 0x28, 0x01, 0x02, .. Mac, 0x08, 0x00, .. Ipv4], Convert1(LinkType.LinuxSll2, Sll2(0x0800, 2, Mac, Ipv4)));
        Assert.Equal([0x02, 0, 0, 0, 0, 1, .. Mac, 0x08, 0x00, .. Ipv4], Convert1(LinkType.LinuxSll2, Sll2(0x0800, 3, Mac, Ipv4)));
        // Outgoing: sent by this host, so the host address is the destination we can give; loopback's empty address becomes zeros.
        Assert.Equal([.. new byte[12], 0x08, 0x00, .. Ipv4], Convert1(LinkType.LinuxSll, Sll(4, [], 0x0800, Ipv4)));
    }

    [Fact]
    public void Cooked_records_without_an_ethertype_or_a_whole_header_are_reported()
    {
        Assert.Null(EthernetFrames.ToEthernet(new CapturedPacket(0, LinkType.LinuxSll, Sll(0, Mac, 0x0004, [0xaa, 0xaa, 3]), 19), out string? reason));
        Assert.Equal("the cooked header's protocol 0x0004 is not an EtherType (802.2 LLC, CAN and the like have no Ethernet II form)", reason);
        Assert.Null(EthernetFrames.ToEthernet(new CapturedPacket(0, LinkType.LinuxSll2, new byte[19], 19), out reason));
        Assert.Equal("a Linux cooked v2 capture record needs a 20-byte header, this one has 19 bytes", reason);
        Assert.Null(EthernetFrames.ToEthernet(new CapturedPacket(0, (LinkType)105, new byte[30], 30), out reason));
        Assert.StartsWith("link type 105 has no Ethernet form here", reason);
    }
}
