using System.Runtime.InteropServices;
using Ebpf.Maps;

namespace Ebpf.Tests.Maps;

/// <summary>Typed views over unmanaged structs.</summary>
public class TypedMapTests
{
    [StructLayout(LayoutKind.Sequential)]
    private record struct FlowKey(uint Source, uint Destination, ushort SourcePort, ushort DestinationPort, uint Protocol);

    [StructLayout(LayoutKind.Sequential)]
    private record struct FlowStats(ulong Packets, ulong Bytes);

    [Fact]
    public void A_typed_view_reads_writes_removes_and_enumerates_structs()
    {
        using var map = MapTestHelpers.Create(MapType.Hash, 16, 16, 8);
        var flows = map.AsTyped<FlowKey, FlowStats>();
        var key = new FlowKey(0x0A000001, 0x0A000002, 1234, 80, 6);
        Assert.False(flows.TryGetValue(key, out _));
        flows[key] = new FlowStats(1, 60);
        flows.Update(key with { SourcePort = 1235 }, new FlowStats(2, 120), MapUpdateFlags.NoExist);
        Assert.Equal(new FlowStats(1, 60), flows[key]);
        Assert.True(flows.TryGetValue(key with { SourcePort = 1235 }, out var other));
        Assert.Equal(120UL, other.Bytes);
        Assert.Equal(2, flows.Count());
        Assert.Equal([1234, 1235], flows.Keys.Select(k => (int)k.SourcePort).Order());
        Assert.Equal(Errno.EEXIST, Assert.Throws<MapException>(() => flows.Update(key, default, MapUpdateFlags.NoExist)).Errno);
        Assert.True(flows.Remove(key));
        Assert.False(flows.Remove(key));
        Assert.Throws<KeyNotFoundException>(() => flows[key]);
    }

    [Fact]
    public void A_typed_view_over_an_array_uses_uint_keys()
    {
        using var map = MapTestHelpers.Create(MapType.Array, 4, 8, 4);
        var counters = map.AsTyped<uint, long>();
        counters[3] = -9;
        Assert.Equal([0L, 0L, 0L, -9L], counters.Select(pair => pair.Value));
        Assert.Equal(Errno.E2BIG, Assert.Throws<MapException>(() => counters[4] = 1).Errno);
    }

    [Fact]
    public void Struct_sizes_must_match_the_map()
    {
        using var map = MapTestHelpers.Create(MapType.Hash, 4, 8, 4);
        Assert.Throws<ArgumentException>(() => map.AsTyped<ulong, ulong>());
        Assert.Throws<ArgumentException>(() => map.AsTyped<uint, uint>());
        using var perCpu = MapTestHelpers.Create(MapType.PerCpuArray, 4, 8, 4, processorCount: 2);
        Assert.Throws<ArgumentException>(() => perCpu.AsTyped<uint, ulong>());
    }

    [Fact]
    public void A_per_cpu_typed_view_converts_between_slot_arrays_and_the_padded_layout()
    {
        using var map = MapTestHelpers.Create(MapType.PerCpuHash, 4, 4, 4, processorCount: 3);
        var counters = map.AsPerCpuTyped<uint, int>();
        Assert.Null(counters.Get(7));
        counters.Update(7, [1, -2, 3]);
        Assert.Equal([1, -2, 3], counters.Get(7)!);
        Assert.Equal(-2, (int)MapTestHelpers.ReadU64(MapTestHelpers.ProgramLookup(map, MapTestHelpers.U32(7), processorSlot: 1)));
        Assert.Throws<ArgumentException>(() => counters.Update(7, [1, 2]));
        Assert.True(counters.Remove(7));
        using var array = MapTestHelpers.Create(MapType.Array, 4, 4, 1);
        Assert.Throws<ArgumentException>(() => array.AsPerCpuTyped<uint, int>());
    }
}
