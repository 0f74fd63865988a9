using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>LRU_HASH and LRU_PERCPU_HASH: eviction of the least recently used element when full.</summary>
public class LruHashMapTests
{
    [Fact]
    public void A_full_map_evicts_the_least_recently_inserted_element()
    {
        using var map = Create(MapType.LruHash, 4, 8, 3);
        for (uint k = 1; k <= 4; k++) map.Update(U32(k), U64(k));
        Assert.Null(map.Lookup(U32(1)));
        Assert.Equal([2u, 3u, 4u], map.Keys().Select(k => ReadU32(k)).Order());
    }

    [Fact]
    public void Program_lookups_and_updates_make_an_element_recently_used_but_host_lookups_do_not()
    {
        using var map = Create(MapType.LruHash, 4, 8, 3);
        for (uint k = 1; k <= 3; k++) map.Update(U32(k), U64(k));
        Assert.NotEqual(0, ProgramLookup(map, U32(1)));   // order now 2, 3, 1
        map.Update(U32(2), U64(20));                       // order now 3, 1, 2
        Assert.NotNull(map.Lookup(U32(3)));               // a host lookup does not count
        map.Update(U32(4), U64(4));                        // evicts 3
        Assert.Null(map.Lookup(U32(3)));
        map.Update(U32(5), U64(5));                        // evicts 1
        Assert.Null(map.Lookup(U32(1)));
        Assert.Equal([2u, 4u, 5u], map.Keys().Select(k => ReadU32(k)).Order());
        Assert.Equal(20UL, ReadU64(map.Lookup(U32(2))));
    }

    [Fact]
    public void Flags_still_apply_and_eviction_replaces_E2BIG()
    {
        using var map = Create(MapType.LruHash, 4, 8, 2);
        map.Update(U32(1), U64(1));
        Assert.Equal(Errno.EEXIST, ErrnoOf(() => map.Update(U32(1), U64(1), MapUpdateFlags.NoExist)));
        Assert.Equal(Errno.ENOENT, ErrnoOf(() => map.Update(U32(2), U64(1), MapUpdateFlags.Exist)));
        for (uint k = 2; k < 100; k++) Assert.Equal(0, ProgramUpdate(map, U32(k), U64(k), (ulong)MapUpdateFlags.NoExist));
        Assert.Equal([98u, 99u], map.Keys().Select(k => ReadU32(k)).Order());
    }

    [Fact]
    public void Deleting_removes_an_element_from_the_eviction_order()
    {
        using var map = Create(MapType.LruHash, 4, 8, 3);
        for (uint k = 1; k <= 3; k++) map.Update(U32(k), U64(k));
        map.Delete(U32(1));
        map.Update(U32(4), U64(4));                        // room left: nothing evicted
        Assert.Equal([2u, 3u, 4u], map.Keys().Select(k => ReadU32(k)).Order());
        map.Update(U32(5), U64(5));                        // evicts 2
        Assert.Equal([3u, 4u, 5u], map.Keys().Select(k => ReadU32(k)).Order());
    }

    [Fact]
    public void The_per_cpu_variant_evicts_the_same_way_and_keeps_per_slot_values()
    {
        using var map = Create(MapType.LruPerCpuHash, 4, 4, 2, processorCount: 2);
        Assert.Equal(16, map.HostValueSize);
        Assert.Equal(0, ProgramUpdate(map, U32(1), U32(10), processorSlot: 1));
        Assert.Equal(0, ProgramUpdate(map, U32(2), U32(20), processorSlot: 0));
        Assert.NotEqual(0, ProgramLookup(map, U32(1), processorSlot: 0));
        Assert.Equal(0, ProgramUpdate(map, U32(3), U32(30), processorSlot: 0)); // evicts 2
        Assert.Null(map.Lookup(U32(2)));
        var one = map.Lookup(U32(1))!;
        Assert.Equal(0u, ReadU32(one.AsSpan(0)));
        Assert.Equal(10u, ReadU32(one.AsSpan(8)));
    }
}
