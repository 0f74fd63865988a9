using System.Buffers.Binary;
using Ebpf.Capture;

namespace Ebpf.Tests.Capture;

public class TrafficGeneratorTests
{
    [Fact]
    public void The_same_seed_gives_the_same_packets_and_another_seed_others()
    {
        var first = new TrafficGenerator(7).Packets(500).ToArray();
        var again = new TrafficGenerator(7).Packets(500).ToArray();
        var other = new TrafficGenerator(8).Packets(500).ToArray();
        Assert.Equal(first.Select(p => (p.TimestampNanoseconds, Convert.ToHexString(p.Data))), again.Select(p => (p.TimestampNanoseconds, Convert.ToHexString(p.Data))));
        Assert.NotEqual(first.Select(p => Convert.ToHexString(p.Data)), other.Select(p => Convert.ToHexString(p.Data)));
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), first.Select(p => p.Record));
        Assert.True(first.Zip(first.Skip(1)).All(pair => pair.First.TimestampNanoseconds < pair.Second.TimestampNanoseconds));
    }

    [Fact]
    public void The_traffic_mixes_every_kind_the_examples_need()
    {
        var frames = new TrafficGenerator(1).Packets(2000).Select(p => p.Data).ToArray();
        int Count(Func<byte[], bool> kind) => frames.Count(kind);
        static ushort EtherType(byte[] f) => f.Length < 14 ? (ushort)0 : BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(12));
        static (ushort Type, int At) Inner(byte[] f) => EtherType(f) == 0x8100 ? (BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(16)), 18) : (EtherType(f), 14);
        Assert.True(Count(f => Inner(f) is (0x0800, var at) && f.Length > at + 9 && f[at + 9] == 6) > 100, "IPv4 TCP");
        Assert.True(Count(f => Inner(f) is (0x86dd, var at) && f[at + 6] == 6) > 50, "IPv6 TCP");
        Assert.True(Count(f => Inner(f) is (0x0800, var at) && f.Length > at + 9 && f[at + 9] == 17) > 20, "IPv4 UDP");
        Assert.True(Count(f => Inner(f) is (0x86dd, var at) && f[at + 6] == 17) > 5, "IPv6 UDP");
        Assert.True(Count(f => Inner(f) is (0x0800, var at) && f.Length > at + 9 && f[at + 9] == 1) > 20, "ICMP");
        Assert.True(Count(f => Inner(f) is (0x86dd, var at) && f[at + 6] == 58) > 20, "ICMPv6");
        Assert.True(Count(f => EtherType(f) == 0x0806) > 10, "ARP");
        Assert.True(Count(f => EtherType(f) == 0x8100) > 20, "VLAN");
        Assert.True(Count(f => EtherType(f) == 0x0800 && f.Length >= 34 && (BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(20)) & 0x3fff) != 0) > 5, "IPv4 fragments");
        Assert.True(Count(f => EtherType(f) == 0x86dd && f[20] == 44) > 5, "IPv6 fragments");
        Assert.True(Count(f => f.Length < 14) > 0, "runts");
        Assert.True(Count(f => EtherType(f) == 0x0800 && f.Length < 34) > 0, "truncated IPv4 headers");
    }

    [Fact]
    public void Well_formed_ipv4_headers_carry_correct_checksums_and_malformed_ones_are_few()
    {
        var frames = new TrafficGenerator(3).Packets(3000).Select(p => p.Data).Where(f => f.Length >= 34 && f[12] == 0x08 && f[13] == 0x00).ToArray();
        int bad = frames.Count(f => (f[14] & 0x0f) < 5 || InternetChecksumOf(f.AsSpan(14, (f[14] & 0x0f) * 4)) != 0);
        Assert.InRange(bad, 1, frames.Length / 50);
    }

    private static ushort InternetChecksumOf(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < header.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }
}
