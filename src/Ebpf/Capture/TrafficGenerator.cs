using System.Buffers.Binary;

namespace Ebpf.Capture;

/// <summary>
/// Writes realistic, deterministic Ethernet traffic: the same seed gives the same packets on every machine. Hosts on
/// an IPv4 and an IPv6 network talk TCP (handshake, data, teardown), UDP (DNS-like queries and answers), ICMP and
/// ICMPv6 echo; ARP requests and replies and IPv6 neighbour solicitations announce them; some traffic runs on an
/// 802.1Q VLAN; large datagrams arrive as IPv4 and IPv6 fragments; and a few frames are malformed (runts, truncated
/// or lying IPv4 headers, bad checksums), as real captures have. Checksums of well-formed packets are correct.
/// </summary>
public sealed class TrafficGenerator
{
    /// <summary>The first packet's time: 2026-01-01T00:00:00Z.</summary>
    public const long StartNanoseconds = 1_767_225_600L * 1_000_000_000L;

    private readonly Random _random;
    private readonly List<byte[]> _pending = [];
    private long _time = StartNanoseconds;
    private ushort _ipId = 1;

    /// <summary>Creates a generator; <paramref name="seed"/> picks the traffic.</summary>
    public TrafficGenerator(int seed = 1) => _random = new Random(seed);

    /// <summary>The next <paramref name="count"/> frames, with their timestamps.</summary>
    public IEnumerable<CapturedPacket> Packets(int count)
    {
        for (long record = 1; record <= count; record++)
        {
            if (_pending.Count == 0) NextExchange();
            var frame = _pending[0];
            _pending.RemoveAt(0);
            _time += _random.Next(5_000, 900_000);
            yield return new CapturedPacket(_time, LinkType.Ethernet, frame, frame.Length, 0, record);
        }
    }

    /// <summary>Writes <paramref name="count"/> frames to <paramref name="writer"/>.</summary>
    public void WriteTo(ICaptureWriter writer, int count)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var packet in Packets(count)) writer.Write(packet);
    }

    /// <summary>Queues one exchange: a few related frames (a TCP connection, a query and its answer, …).</summary>
    private void NextExchange()
    {
        int pick = _random.Next(100);
        switch (pick)
        {
            case < 30: TcpConnection(ipv6: false, vlan: 0); break;
            case < 42: TcpConnection(ipv6: true, vlan: 0); break;
            case < 56: DnsExchange(ipv6: _random.Next(3) == 0, vlan: 0); break;
            case < 64: Ping(ipv6: false, vlan: 0); break;
            case < 70: Ping(ipv6: true, vlan: 0); break;
            case < 76: Arp(); break;
            case < 79: NeighbourSolicitation(); break;
            case < 87: VlanTraffic(); break;
            case < 92: Fragments(ipv6: false); break;
            case < 95: Fragments(ipv6: true); break;
            default: Malformed(); break;
        }
    }

    private readonly record struct Host(byte[] Mac, byte[] V4, byte[] V6);

    private Host HostAt(int index) => new(
        [0x02, 0x42, 0xac, 0x11, 0x00, (byte)index],
        [10, 0, 0, (byte)index],
        [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)index]);

    private (Host Client, Host Server) Pair()
    {
        int client = _random.Next(10, 60);
        int server = _random.Next(1, 6);
        return (HostAt(client), HostAt(server));
    }

    private void TcpConnection(bool ipv6, ushort vlan)
    {
        var (c, s) = Pair();
        ushort clientPort = (ushort)_random.Next(32768, 61000);
        ushort serverPort = _random.Next(3) switch { 0 => (ushort)80, 1 => (ushort)443, _ => (ushort)22 };
        uint cSeq = (uint)_random.Next(), sSeq = (uint)_random.Next();
        void Send(bool fromClient, byte flags, int payload)
        {
            var data = new byte[payload];
            _random.NextBytes(data);
            var (from, to) = fromClient ? (c, s) : (s, c);
            var tcp = Tcp(fromClient ? clientPort : serverPort, fromClient ? serverPort : clientPort,
                fromClient ? cSeq : sSeq, (flags & 0x10) != 0 ? (fromClient ? sSeq : cSeq) : 0, flags, data);
            Queue(from, to, ipv6, 6, tcp, vlan);
            uint advance = (uint)payload + ((flags & 0x03) != 0 ? 1u : 0u); // SYN and FIN take a sequence number
            if (fromClient) cSeq += advance; else sSeq += advance;
        }
        Send(true, 0x02, 0);          // SYN
        Send(false, 0x12, 0);         // SYN-ACK
        Send(true, 0x10, 0);          // ACK
        int rounds = _random.Next(1, 4);
        for (int i = 0; i < rounds; i++)
        {
            Send(true, 0x18, _random.Next(20, 400));   // PSH-ACK request
            Send(false, 0x18, _random.Next(100, 1400)); // response
            Send(true, 0x10, 0);
        }
        Send(true, 0x11, 0);          // FIN-ACK
        Send(false, 0x11, 0);
        Send(true, 0x10, 0);
    }

    private void DnsExchange(bool ipv6, ushort vlan)
    {
        var (c, s) = Pair();
        ushort port = (ushort)_random.Next(32768, 61000);
        ushort id = (ushort)_random.Next(0, 65536);
        bool aaaa = _random.Next(2) == 0;
        string[] labels = ["host" + _random.Next(1, 100), "example", "com"];
        var question = new List<byte>();
        foreach (var label in labels) question.AddRange([(byte)label.Length, .. System.Text.Encoding.ASCII.GetBytes(label)]);
        question.AddRange([0, 0, (byte)(aaaa ? 28 : 1), 0, 1]); // the root label, QTYPE A or AAAA, QCLASS IN
        byte[] Header(ushort flags, ushort answers) =>
            [(byte)(id >> 8), (byte)id, (byte)(flags >> 8), (byte)flags, 0, 1, 0, (byte)answers, 0, 0, 0, 0];
        byte[] query = [.. Header(0x0100, 0), .. question];
        var address = new byte[aaaa ? 16 : 4];
        _random.NextBytes(address);
        // The answer names the question by a compression pointer to offset 12, with a TTL of 300 seconds.
        byte[] answer = [.. Header(0x8180, 1), .. question, 0xc0, 0x0c, 0, (byte)(aaaa ? 28 : 1), 0, 1, 0, 0, 0x01, 0x2c, 0, (byte)address.Length, .. address];
        Queue(c, s, ipv6, 17, Udp(port, 53, query), vlan);
        Queue(s, c, ipv6, 17, Udp(53, port, answer), vlan);
    }

    private void Ping(bool ipv6, ushort vlan)
    {
        var (c, s) = Pair();
        ushort id = (ushort)_random.Next(1, 65535);
        var payload = new byte[56];
        _random.NextBytes(payload);
        for (ushort sequence = 1; sequence <= 2; sequence++)
        {
            Queue(c, s, ipv6, ipv6 ? (byte)58 : (byte)1, Echo(ipv6 ? (byte)128 : (byte)8, id, sequence, payload), vlan);
            Queue(s, c, ipv6, ipv6 ? (byte)58 : (byte)1, Echo(ipv6 ? (byte)129 : (byte)0, id, sequence, payload), vlan);
        }
    }

    private void Arp()
    {
        var (c, s) = Pair();
        byte[] Body(ushort operation, Host sender, Host target, byte[] targetMac) =>
        [
            0, 1, 0x08, 0, 6, 4, 0, (byte)operation, .. sender.Mac, .. sender.V4, .. targetMac, .. target.V4,
        ];
        var broadcast = new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
        _pending.Add(Ethernet(broadcast, c.Mac, 0x0806, Body(1, c, s, new byte[6]), 0, pad: true));
        _pending.Add(Ethernet(c.Mac, s.Mac, 0x0806, Body(2, s, c, c.Mac), 0, pad: true));
    }

    private void NeighbourSolicitation()
    {
        var (c, s) = Pair();
        byte[] solicited = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, s.V6[13], s.V6[14], s.V6[15]];
        byte[] body = [135, 0, 0, 0, 0, 0, 0, 0, .. s.V6, 1, 1, .. c.Mac];
        SetChecksum(body, 2, PseudoHeader6(c.V6, solicited, 58, body.Length), body);
        var ip = Ipv6Header(c.V6, solicited, 58, body.Length, hopLimit: 255);
        _pending.Add(Ethernet([0x33, 0x33, .. solicited[12..]], c.Mac, 0x86dd, [.. ip, .. body], 0));
    }

    private void VlanTraffic()
    {
        ushort vlan = (ushort)(_random.Next(2) == 0 ? 100 : 200);
        switch (_random.Next(3))
        {
            case 0: DnsExchange(ipv6: false, vlan); break;
            case 1: Ping(ipv6: false, vlan); break;
            default: TcpConnection(ipv6: _random.Next(2) == 0, vlan); break;
        }
    }

    private void Fragments(bool ipv6)
    {
        var (c, s) = Pair();
        var payload = new byte[_random.Next(2000, 4000)];
        _random.NextBytes(payload);
        var udp = Udp((ushort)_random.Next(32768, 61000), 5001, payload);
        byte[] source = ipv6 ? c.V6 : c.V4, destination = ipv6 ? s.V6 : s.V4;
        uint sum = ipv6 ? PseudoHeader6(source, destination, 17, udp.Length) : PseudoHeader4(source, destination, 17, udp.Length);
        SetChecksum(udp, 6, sum, udp);
        const int chunk = 1448; // a multiple of 8 that fits a 1500-byte MTU with either header
        uint identification = (uint)_random.Next();
        for (int offset = 0; offset < udp.Length; offset += chunk)
        {
            int length = Math.Min(chunk, udp.Length - offset);
            bool more = offset + length < udp.Length;
            var part = udp.AsSpan(offset, length);
            if (ipv6)
            {
                byte[] fragment = [17, 0, (byte)((offset >> 8) & 0xff), (byte)((offset & 0xf8) | (more ? 1 : 0)),
                    (byte)(identification >> 24), (byte)(identification >> 16), (byte)(identification >> 8), (byte)identification];
                var header = Ipv6Header(source, destination, 44, fragment.Length + length, hopLimit: 64);
                _pending.Add(Ethernet(s.Mac, c.Mac, 0x86dd, [.. header, .. fragment, .. part], 0));
            }
            else
            {
                ushort flags = (ushort)((more ? 0x2000 : 0) | (offset / 8));
                var header = Ipv4Header(source, destination, 17, length, (ushort)identification, flags);
                _pending.Add(Ethernet(s.Mac, c.Mac, 0x0800, [.. header, .. part], 0));
            }
        }
    }

    private void Malformed()
    {
        var (c, s) = Pair();
        var udp = Udp(1234, 5678, [1, 2, 3, 4]);
        var ip = Ipv4Header(c.V4, s.V4, 17, udp.Length, _ipId++, 0);
        switch (_random.Next(5))
        {
            case 0: // a runt: shorter than an Ethernet header
                _pending.Add(s.Mac.Concat(c.Mac).Take(10).ToArray());
                break;
            case 1: // EtherType IPv4 but the header is cut short
                _pending.Add(Ethernet(s.Mac, c.Mac, 0x0800, ip[..12], 0));
                break;
            case 2: // an IHL of 3 words, less than the minimum 5
                ip[0] = 0x43;
                _pending.Add(Ethernet(s.Mac, c.Mac, 0x0800, [.. ip, .. udp], 0));
                break;
            case 3: // a total length beyond the frame
                BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), 1400);
                _pending.Add(Ethernet(s.Mac, c.Mac, 0x0800, [.. ip, .. udp], 0));
                break;
            default: // a wrong header checksum
                ip[10] ^= 0x5a;
                _pending.Add(Ethernet(s.Mac, c.Mac, 0x0800, [.. ip, .. udp], 0));
                break;
        }
    }

    private void Queue(Host from, Host to, bool ipv6, byte protocol, byte[] transport, ushort vlan)
    {
        byte[] source = ipv6 ? from.V6 : from.V4, destination = ipv6 ? to.V6 : to.V4;
        int checksumAt = protocol switch { 6 => 16, 17 => 6, _ => 2 };
        uint sum = protocol == 1 ? 0 : ipv6 ? PseudoHeader6(source, destination, protocol, transport.Length) : PseudoHeader4(source, destination, protocol, transport.Length);
        SetChecksum(transport, checksumAt, sum, transport);
        byte[] ip = ipv6 ? Ipv6Header(source, destination, protocol, transport.Length, hopLimit: 64)
            : Ipv4Header(source, destination, protocol, transport.Length, _ipId++, 0x4000);
        _pending.Add(Ethernet(to.Mac, from.Mac, ipv6 ? (ushort)0x86dd : (ushort)0x0800, [.. ip, .. transport], vlan, pad: true));
    }

    private static byte[] Ethernet(byte[] destination, byte[] source, ushort etherType, byte[] payload, ushort vlan, bool pad = false)
    {
        int header = vlan == 0 ? 14 : 18;
        int length = Math.Max(header + payload.Length, pad ? 60 : 0); // short frames are padded to the 60-byte minimum
        var frame = new byte[length];
        destination.CopyTo(frame, 0);
        source.CopyTo(frame, 6);
        if (vlan != 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x8100);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), vlan);
        }
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(header - 2), etherType);
        payload.CopyTo(frame, header);
        return frame;
    }

    private static byte[] Ipv4Header(byte[] source, byte[] destination, byte protocol, int payload, ushort identification, ushort flagsAndOffset)
    {
        var header = new byte[20];
        header[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(20 + payload));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), identification);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), flagsAndOffset);
        header[8] = 64;
        header[9] = protocol;
        source.CopyTo(header, 12);
        destination.CopyTo(header, 16);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), InternetChecksum.Finish(InternetChecksum.Add(0, header)));
        return header;
    }

    private static byte[] Ipv6Header(byte[] source, byte[] destination, byte next, int payload, byte hopLimit)
    {
        var header = new byte[40];
        header[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)payload);
        header[6] = next;
        header[7] = hopLimit;
        source.CopyTo(header, 8);
        destination.CopyTo(header, 24);
        return header;
    }

    private static byte[] Tcp(ushort sourcePort, ushort destinationPort, uint sequence, uint acknowledgement, byte flags, byte[] payload)
    {
        var segment = new byte[20 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(8), acknowledgement);
        segment[12] = 5 << 4;
        segment[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), 64240);
        payload.CopyTo(segment, 20);
        return segment;
    }

    private static byte[] Udp(ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        var datagram = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        payload.CopyTo(datagram, 8);
        return datagram;
    }

    private static byte[] Echo(byte type, ushort id, ushort sequence, byte[] payload)
    {
        var message = new byte[8 + payload.Length];
        message[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), sequence);
        payload.CopyTo(message, 8);
        return message;
    }

    private static uint PseudoHeader4(byte[] source, byte[] destination, byte protocol, int length) =>
        InternetChecksum.Add(InternetChecksum.Add(0, source), destination) + protocol + (uint)length;

    private static uint PseudoHeader6(byte[] source, byte[] destination, byte next, int length) =>
        InternetChecksum.Add(InternetChecksum.Add(0, source), destination) + (uint)length + next;

    /// <summary>Writes the checksum of <paramref name="covered"/> (its checksum field zero) plus <paramref name="sum"/> at <paramref name="at"/>.</summary>
    private static void SetChecksum(byte[] message, int at, uint sum, byte[] covered)
    {
        message[at] = message[at + 1] = 0;
        ushort checksum = InternetChecksum.Finish(InternetChecksum.Add(sum, covered));
        if (checksum == 0 && at == 6 && message.Length >= 8 && ReferenceEquals(message, covered)) checksum = 0xffff; // UDP sends 0 as all ones
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(at), checksum);
    }
}
