using System.Buffers.Binary;
using Ebpf.Maps;
using Ebpf.Runtime;

namespace Ebpf.Tests.Examples;

/// <summary>examples/maps_tour.c: every user-space map type used once, plus .rodata/.data/.bss, over one packet sequence.</summary>
public class MapsTourExampleTests
{
    private const uint Drop = 1, Pass = 2, RouteDrop = 0xffffffff;

    private static readonly (byte[] Packet, uint Verdict)[] Sequence =
    [
        (Packets.Ipv4Udp("192.168.1.1", "10.1.0.9", 53), Pass),          // 46 bytes, route 2 (10.1/16), watched
        (Packets.Ipv4Tcp("192.168.1.1", "10.200.0.1", 80, ttl: 32), Pass), // 54, route 1 (10/8)
        (Packets.Ipv4Udp("192.168.1.2", "10.1.2.3", 53, ttl: 7), Drop),    // 46, the /32 drop route
        (Packets.Ipv4Udp("192.168.1.2", "8.8.8.8", 53), Pass),            // 46, no route
        (Packets.Ipv6Udp(53), Pass),                                      // 66
        (Packets.Arp(), Pass),                                            // 42
        (Packets.TooShortForIp(), Pass),                                  // 20: IPv4 EtherType, no IPv4 header
    ];

    private static ExampleObject Load(ExecutionEngine engine)
    {
        var example = new ExampleObject("maps_tour.o", "tour", engine);
        var routes = example.Collection.Map("routes");
        routes.Update(RouteKey(8, "10.0.0.0"), BitConverter.GetBytes(1u));
        routes.Update(RouteKey(16, "10.1.0.0"), BitConverter.GetBytes(2u));
        routes.Update(RouteKey(32, "10.1.2.3"), BitConverter.GetBytes(RouteDrop));
        ((BloomFilterMap)example.Collection.Map("watched_destinations")).Add(Packets.Address("10.1.0.9"));
        return example;
    }

    [Theory]
    [InlineData(ExecutionEngine.Interpreter)]
    [InlineData(ExecutionEngine.Jit)]
    public void Every_map_holds_what_the_packets_left(ExecutionEngine engine)
    {
        using var example = Load(engine);
        foreach (var (packet, verdict) in Sequence)
        {
            var result = example.Run(packet);
            Assert.Equal(verdict, result.ReturnValue);
            Assert.Equal(packet, result.DataOut);
        }
        var maps = example.Collection;

        Assert.Equal(7UL, U64(maps.Map("total_packets").Lookup(U32(0))!));
        Assert.Equal(1007UL, U64(maps.Map(".data").Lookup(U32(0))!));
        Assert.Equal("14000000", Hex(maps.Map(".bss").Lookup(U32(0))!));   // last_length = 20
        Assert.Equal("01", Hex(maps.Map(".rodata").Lookup(U32(0))!));      // config_ipv4
        Assert.Equal(320UL, maps.Map("bytes_per_cpu").AsPerCpuTyped<uint, ulong>().Get(0)![0]);

        var ethertypes = maps.Map("ethertype_counts").AsPerCpuTyped<ushort, ulong>();
        Assert.Equal(5UL, ethertypes.Get(0x0800)![0]);
        Assert.Equal(1UL, ethertypes.Get(0x86DD)![0]);
        Assert.Equal(1UL, ethertypes.Get(0x0806)![0]);
        Assert.Equal(3, maps.Map("ethertype_counts").Keys().Count());

        var sources = maps.Map("packets_by_source");
        Assert.Equal(2UL, U64(sources.Lookup(Packets.Address("192.168.1.1"))!));
        Assert.Equal(2UL, U64(sources.Lookup(Packets.Address("192.168.1.2"))!));
        Assert.Equal(2, sources.Keys().Count());

        var ttls = maps.Map("last_ttl_by_destination");
        Assert.Equal(
            ["10.1.0.9=40", "10.1.2.3=07", "10.200.0.1=20", "8.8.8.8=40"],
            ttls.Entries().Select(e => $"{new System.Net.IPAddress(e.Key)}={Hex(e.Value)}").Order());

        var lengths = (QueueStackMap)maps.Map("recent_lengths");
        Assert.Equal([46u, 54, 46, 46, 66, 42, 20], PopAll(lengths, 4).Select(v => BinaryPrimitives.ReadUInt32LittleEndian(v)));
        var stack = (QueueStackMap)maps.Map("recent_ethertypes");
        Assert.Equal([0x0800, 0x0806, 0x86DD, 0x0800, 0x0800, 0x0800, 0x0800],
            PopAll(stack, 2).Select(v => (int)BinaryPrimitives.ReadUInt16LittleEndian(v)));

        // struct packet_event: length, ethertype, watched, ttl, route, destination (network order).
        var records = new List<string>();
        ((RingBufferMap)maps.Map("events")).Drain(record => records.Add(Convert.ToHexString(record)));
        Assert.Equal(
        [
            "2E000000" + "0008" + "01" + "40" + "02000000" + "0A010009",
            "36000000" + "0008" + "00" + "20" + "01000000" + "0AC80001",
            "2E000000" + "0008" + "00" + "07" + "FFFFFFFF" + "0A010203",
            "2E000000" + "0008" + "00" + "40" + "00000000" + "08080808",
            "42000000" + "DD86" + "00" + "00" + "00000000" + "00000000",
            "2A000000" + "0608" + "00" + "00" + "00000000" + "00000000",
            "14000000" + "0008" + "00" + "00" + "00000000" + "00000000",
        ], records);
    }

    [Theory]
    [InlineData(ExecutionEngine.Interpreter)]
    [InlineData(ExecutionEngine.Jit)]
    public void Clearing_the_rodata_switch_before_the_first_run_skips_the_ipv4_maps(ExecutionEngine engine)
    {
        using var example = Load(engine);
        example.Collection.Map(".rodata").Update(U32(0), [0]);
        foreach (var (packet, _) in Sequence)
            Assert.Equal(Pass, example.Run(packet).ReturnValue); // no route lookups, so no drop
        Assert.Empty(example.Collection.Map("packets_by_source").Keys());
        Assert.Empty(example.Collection.Map("last_ttl_by_destination").Keys());
        Assert.Equal(1007UL, U64(example.Collection.Map(".data").Lookup(U32(0))!));
    }

    [Theory]
    [InlineData(ExecutionEngine.Interpreter)]
    [InlineData(ExecutionEngine.Jit)]
    public void A_full_queue_drops_its_oldest_and_a_full_stack_its_bottom(ExecutionEngine engine)
    {
        using var example = Load(engine);
        for (int i = 0; i < 10; i++) example.Run(Packets.Ipv4Udp("192.168.1.1", "10.0.0.1", 53, payload: i));
        var lengths = (QueueStackMap)example.Collection.Map("recent_lengths");
        Assert.Equal(Enumerable.Range(2, 8).Select(i => 42u + (uint)i),
            PopAll(lengths, 4).Select(v => BinaryPrimitives.ReadUInt32LittleEndian(v)));
        Assert.Equal(8, PopAll((QueueStackMap)example.Collection.Map("recent_ethertypes"), 2).Count);
    }

    private static byte[] RouteKey(uint prefixLength, string address) => [.. BitConverter.GetBytes(prefixLength), .. Packets.Address(address)];

    private static List<byte[]> PopAll(QueueStackMap map, int valueSize)
    {
        var values = new List<byte[]>();
        var value = new byte[valueSize];
        while (map.TryPop(value)) values.Add([.. value]);
        return values;
    }

    private static byte[] U32(uint value) => BitConverter.GetBytes(value);

    private static ulong U64(byte[] value) => BitConverter.ToUInt64(value);

    private static string Hex(byte[] value) => Convert.ToHexString(value);
}
