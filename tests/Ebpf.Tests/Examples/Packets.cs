using System.Buffers.Binary;
using System.Net;

namespace Ebpf.Tests.Examples;

/// <summary>Hand-built Ethernet frames for the example programs: well-formed headers with correct IPv4 checksums.</summary>
internal static class Packets
{
    public static readonly byte[] DestinationMac = [0x02, 0, 0, 0, 0, 0x02];
    public static readonly byte[] SourceMac = [0x02, 0, 0, 0, 0, 0x01];

    public const byte Tcp = 6, Udp = 17;

    /// <summary>Ethernet + IPv4 + UDP with <paramref name="payload"/>, zero-padded to <paramref name="frameLength"/> when given.</summary>
    public static byte[] Ipv4Udp(string source, string destination, ushort destinationPort, int payload = 4, byte ttl = 64,
        ushort fragment = 0, int frameLength = 0)
    {
        var udp = new byte[8 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        for (int i = 0; i < payload; i++) udp[8 + i] = (byte)('a' + i);
        return Pad(Ethernet(0x0800, Ipv4(source, destination, Udp, udp, ttl, fragment)), frameLength);
    }

    /// <summary>Ethernet + IPv4 + a 20-byte TCP SYN to <paramref name="destinationPort"/>.</summary>
    public static byte[] Ipv4Tcp(string source, string destination, ushort destinationPort, byte ttl = 64)
    {
        var tcp = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 40001);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), destinationPort);
        tcp[12] = 0x50;
        tcp[13] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), 1024);
        return Ethernet(0x0800, Ipv4(source, destination, Tcp, tcp, ttl, 0));
    }

    /// <summary>Ethernet + IPv6 (no extension headers) + UDP with 4 bytes of payload.</summary>
    public static byte[] Ipv6Udp(ushort destinationPort)
    {
        var packet = new byte[40 + 12];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 12);
        packet[6] = Udp;
        packet[7] = 64;
        IPAddress.Parse("fd00::1").GetAddressBytes().CopyTo(packet, 8);
        IPAddress.Parse("fd00::2").GetAddressBytes().CopyTo(packet, 24);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(40), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(42), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(44), 12);
        "wxyz"u8.CopyTo(packet.AsSpan(48));
        return Ethernet(0x86DD, packet);
    }

    /// <summary>An ARP request (who has 192.168.1.2), 42 bytes.</summary>
    public static byte[] Arp() => Convert.FromHexString(
        "ffffffffffff" + "020000000001" + "0806" + "0001080006040001" + "020000000001c0a80101" + "000000000000c0a80102");

    /// <summary>An ARP frame cut after 6 bytes of its header, 20 bytes: too short for the fixed part of ARP.</summary>
    public static byte[] ShortArp() => Arp()[..20];

    /// <summary>
    /// An Ethernet header announcing IPv4 followed by only 6 bytes: too short for an IPv4 header. Fine for XDP test
    /// runs; the kernel (6.18 seen) refuses skb test runs of it (socket_filter, sched_cls) with EINVAL.
    /// </summary>
    public static byte[] TooShortForIp() => Ethernet(0x0800, [0x45, 0, 0, 0x14, 0, 1]);

    /// <summary>The 16-bit ones'-complement checksum of an IPv4 header (its checksum field taken as is).</summary>
    public static ushort Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < header.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>An IPv4 address as the 4 bytes of the wire.</summary>
    public static byte[] Address(string address) => IPAddress.Parse(address).GetAddressBytes();

    private static byte[] Ipv4(string source, string destination, byte protocol, byte[] payload, byte ttl, ushort fragment)
    {
        var header = new byte[20];
        header[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(20 + payload.Length));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 0x1234);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), fragment);
        header[8] = ttl;
        header[9] = protocol;
        Address(source).CopyTo(header, 12);
        Address(destination).CopyTo(header, 16);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), Checksum(header));
        return [.. header, .. payload];
    }

    private static byte[] Ethernet(ushort etherType, byte[] payload)
    {
        var frame = new byte[14 + payload.Length];
        DestinationMac.CopyTo(frame, 0);
        SourceMac.CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        payload.CopyTo(frame, 14);
        return frame;
    }

    private static byte[] Pad(byte[] frame, int frameLength) =>
        frameLength > frame.Length ? [.. frame, .. new byte[frameLength - frame.Length]] : frame;
}
