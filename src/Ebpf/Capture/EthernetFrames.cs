using System.Buffers.Binary;

namespace Ebpf.Capture;

/// <summary>
/// Turns captured packets of any supported link type into the Ethernet frames an XDP or tc program on an Ethernet
/// device would see. The pseudo-headers of Linux cooked captures and the bare IP packets of raw captures lose the
/// real destination address, so it is rebuilt from what the capture says about the packet:
/// <list type="bullet">
/// <item>destination: ff:ff:ff:ff:ff:ff for broadcast; the IP multicast MAC (01:00:5e + 23 bits, 33:33 + 32 bits)
/// for multicast; 00:00:00:00:00:00 for packets to this host (the address of the device the kernel's test run uses,
/// so skb programs see PACKET_HOST); 02:00:00:00:00:01 for packets to another host (PACKET_OTHERHOST);</item>
/// <item>source: the cooked header's link-layer address when it is 6 bytes long, else 00:00:00:00:00:00;</item>
/// <item>EtherType: the cooked header's protocol; for raw IP, 0x0800 or 0x86dd from the version nibble.</item>
/// </list>
/// Outgoing packets (PACKET_OUTGOING) keep the source address and get the host destination. Packets that are not
/// Ethernet II underneath (cooked protocol below 0x0600: 802.2 LLC, CAN, netlink…; raw data that is not IPv4 or
/// IPv6) have no Ethernet form and are reported as unconvertible.
/// </summary>
public static class EthernetFrames
{
    /// <summary>The destination given to packets addressed to another host.</summary>
    public static ReadOnlySpan<byte> OtherHost => [0x02, 0, 0, 0, 0, 0x01];

    /// <summary>The size of a Linux cooked (v1) pseudo-header.</summary>
    public const int SllHeaderLength = 16;

    /// <summary>The size of a Linux cooked v2 pseudo-header.</summary>
    public const int Sll2HeaderLength = 20;

    /// <summary>The Ethernet frame for <paramref name="packet"/>, or null with <paramref name="reason"/> saying why there is none.</summary>
    public static byte[]? ToEthernet(in CapturedPacket packet, out string? reason)
    {
        reason = null;
        var data = packet.Data;
        switch (packet.LinkType)
        {
            case LinkType.Ethernet:
                return data;
            case LinkType.Raw or LinkType.RawLegacy12 or LinkType.RawLegacy14 or LinkType.Ipv4 or LinkType.Ipv6:
                return FromIp(data, PacketHost, [], ref reason);
            case LinkType.LinuxSll:
                if (data.Length < SllHeaderLength)
                {
                    reason = $"a Linux cooked capture record needs a {SllHeaderLength}-byte header, this one has {data.Length} bytes";
                    return null;
                }
                return FromCooked(data.AsSpan(SllHeaderLength), BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(14)),
                    BinaryPrimitives.ReadUInt16BigEndian(data), data.AsSpan(6, Math.Min((int)BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(4)), 8)), ref reason);
            case LinkType.LinuxSll2:
                if (data.Length < Sll2HeaderLength)
                {
                    reason = $"a Linux cooked v2 capture record needs a {Sll2HeaderLength}-byte header, this one has {data.Length} bytes";
                    return null;
                }
                return FromCooked(data.AsSpan(Sll2HeaderLength), BinaryPrimitives.ReadUInt16BigEndian(data),
                    data[10], data.AsSpan(12, Math.Min((int)data[11], 8)), ref reason);
            default:
                reason = $"link type {(int)packet.LinkType} has no Ethernet form here (supported: Ethernet 1, raw IP 12/14/101/228/229, Linux cooked 113 and 276)";
                return null;
        }
    }

    private const int PacketHost = 0, PacketBroadcast = 1, PacketMulticast = 2, PacketOtherHost = 3, PacketOutgoing = 4;

    private static byte[]? FromCooked(ReadOnlySpan<byte> payload, ushort protocol, int packetType, ReadOnlySpan<byte> address, ref string? reason)
    {
        if (protocol < 0x0600)
        {
            reason = $"the cooked header's protocol 0x{protocol:x4} is not an EtherType (802.2 LLC, CAN and the like have no Ethernet II form)";
            return null;
        }
        ReadOnlySpan<byte> source = address.Length == 6 ? address : [];
        if (protocol is 0x0800 or 0x86dd) return FromIp(payload, packetType, source, ref reason, protocol);
        return Frame(payload, Destination(packetType, payload, 0), source, protocol);
    }

    private static byte[]? FromIp(ReadOnlySpan<byte> ip, int packetType, ReadOnlySpan<byte> source, ref string? reason, ushort? protocol = null)
    {
        int version = ip.Length > 0 ? ip[0] >> 4 : 0;
        ushort etherType = protocol ?? version switch { 4 => (ushort)0x0800, 6 => (ushort)0x86dd, _ => (ushort)0 };
        if (etherType == 0)
        {
            reason = ip.Length == 0 ? "the raw IP record is empty" : $"the raw record's IP version is {version}, neither 4 nor 6";
            return null;
        }
        return Frame(ip, Destination(packetType, ip, etherType), source, etherType);
    }

    /// <summary>The destination MAC for a packet of this packet type (for multicast, derived from the IP destination when there is one).</summary>
    private static byte[] Destination(int packetType, ReadOnlySpan<byte> network, ushort etherType)
    {
        switch (packetType)
        {
            case PacketBroadcast:
                return [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
            case PacketMulticast when etherType == 0x0800 && network.Length >= 20:
                return [0x01, 0x00, 0x5e, (byte)(network[17] & 0x7f), network[18], network[19]];
            case PacketMulticast when etherType == 0x86dd && network.Length >= 40:
                return [0x33, 0x33, network[36], network[37], network[38], network[39]];
            case PacketMulticast:
                return [0x01, 0x00, 0x5e, 0, 0, 0x01];
            case PacketOtherHost:
                return OtherHost.ToArray();
            case PacketHost or PacketOutgoing:
            default:
                return new byte[6];
        }
    }

    private static byte[] Frame(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> source, ushort etherType)
    {
        var frame = new byte[14 + payload.Length];
        destination.CopyTo(frame);
        source.CopyTo(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        payload.CopyTo(frame.AsSpan(14));
        return frame;
    }
}
