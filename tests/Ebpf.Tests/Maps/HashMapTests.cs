using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>BPF_MAP_TYPE_HASH: flags, capacity, next-key order, pointer stability, and a model-checked random walk.</summary>
public class HashMapTests
{
    [Fact]
    public void Lookup_update_and_delete_follow_the_kernel()
    {
        using var map = Create(MapType.Hash, 4, 8, 4);
        Assert.Null(map.Lookup(U32(1)));
        map.Update(U32(1), U64(10));
        Assert.Equal(10UL, ReadU64(map.Lookup(U32(1))));
        map.Update(U32(1), U64(11), MapUpdateFlags.Exist);
        Assert.Equal(11UL, ReadU64(map.Lookup(U32(1))));
        Assert.Equal(Errno.EEXIST, ErrnoOf(() => map.Update(U32(1), U64(12), MapUpdateFlags.NoExist)));
        Assert.Equal(Errno.ENOENT, ErrnoOf(() => map.Update(U32(2), U64(12), MapUpdateFlags.Exist)));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => map.Update(U32(2), U64(12), (MapUpdateFlags)3)));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => map.Update(U32(2), U64(12), MapUpdateFlags.Lock)));
        Assert.True(map.Delete(U32(1)));
        Assert.False(map.Delete(U32(1)));
        Assert.Equal(-Errno.ENOENT, ProgramDelete(map, U32(1)));
    }

    [Fact]
    public void A_new_key_in_a_full_map_gives_E2BIG_but_replacing_works()
    {
        using var map = Create(MapType.Hash, 4, 8, 3);
        for (uint k = 0; k < 3; k++) map.Update(U32(k), U64(k));
        var error = Assert.Throws<MapException>(() => map.Update(U32(3), U64(3)));
        Assert.Equal(Errno.E2BIG, error.Errno);
        Assert.Contains("max_entries", error.Message);
        Assert.Equal(-Errno.E2BIG, ProgramUpdate(map, U32(3), U64(3)));
        for (int round = 0; round < 200; round++) map.Update(U32(1), U64((ulong)round));
        Assert.Equal(199UL, ReadU64(map.Lookup(U32(1))));
        Assert.Equal(3, ((HashMap)map).Count);
        map.Delete(U32(0));
        map.Update(U32(3), U64(3), MapUpdateFlags.NoExist);
    }

    [Fact]
    public void Program_lookups_return_a_stable_native_address_inside_the_value_region()
    {
        using var map = Create(MapType.Hash, 4, 12, 8);
        map.Update(U32(5), new byte[12]);
        nint value = ProgramLookup(map, U32(5));
        Assert.NotEqual(0, value);
        Assert.Equal(0, value % 8);
        Assert.True(map.ContainsValue((ulong)value, 12, out bool writable));
        Assert.True(writable);
        Assert.False(map.ContainsValue((ulong)value + (ulong)map.ValueRegions[0].Length, 1, out _));
        unsafe { *(uint*)value = 0xdead; }
        Assert.Equal(0xdeadu, ReadU32(map.Lookup(U32(5))));
        Assert.Equal(value, ProgramLookup(map, U32(5)));
        Assert.Equal(0, ProgramLookup(map, U32(6)));
    }

    [Fact]
    public void Next_key_walks_every_key_once_and_a_missing_key_restarts_from_the_first()
    {
        using var map = Create(MapType.Hash, 4, 8, 64);
        for (uint k = 0; k < 50; k++) map.Update(U32(k * 7), U64(k));
        var keys = map.Keys().Select(k => ReadU32(k)).ToList();
        Assert.Equal(50, keys.Count);
        Assert.Equal(Enumerable.Range(0, 50).Select(k => (uint)k * 7).Order(), keys.Order());
        var first = new byte[4];
        Assert.True(map.TryGetNextKey([], first));
        var afterMissing = new byte[4];
        Assert.True(map.TryGetNextKey(U32(9999), afterMissing));
        Assert.Equal(first, afterMissing);
        var afterLast = new byte[4];
        Assert.False(map.TryGetNextKey(U32(keys[^1]), afterLast));
        Assert.Equal(50, map.Entries().Count(e => ReadU64(e.Value) == ReadU32(e.Key) / 7));
    }

    [Fact]
    public void An_empty_map_has_no_first_key()
    {
        using var map = Create(MapType.Hash, 4, 8, 4);
        Assert.False(map.TryGetNextKey([], new byte[4]));
        Assert.Empty(map.Keys());
    }

    [Fact]
    public void Wrong_buffer_sizes_are_host_errors_not_errnos()
    {
        using var map = Create(MapType.Hash, 4, 8, 4);
        Assert.Throws<ArgumentException>(() => map.Update(U64(1), U64(1)));
        Assert.Throws<ArgumentException>(() => map.Update(U32(1), U32(1)));
        Assert.Throws<ArgumentException>(() => map.Lookup(U32(1), new byte[4]));
    }

    [Fact]
    public void A_random_walk_matches_a_dictionary_model_with_kernel_errnos()
    {
        var random = new Random(12345);
        const int maxEntries = 8;
        using var map = Create(MapType.Hash, 4, 8, maxEntries);
        var model = new Dictionary<uint, ulong>();
        for (int step = 0; step < 20_000; step++)
        {
            uint key = (uint)random.Next(16);
            ulong value = (ulong)random.NextInt64();
            switch (random.Next(4))
            {
                case 0:
                    Assert.Equal(model.TryGetValue(key, out var expected) ? expected : (ulong?)null,
                        map.Lookup(U32(key)) is { } found ? ReadU64(found) : null);
                    break;
                case 1:
                    var flags = (MapUpdateFlags)random.Next(3);
                    bool exists = model.ContainsKey(key);
                    int expectedResult = flags switch
                    {
                        MapUpdateFlags.NoExist when exists => -Errno.EEXIST,
                        MapUpdateFlags.Exist when !exists => -Errno.ENOENT,
                        _ when !exists && model.Count == maxEntries => -Errno.E2BIG,
                        _ => 0,
                    };
                    Assert.Equal(expectedResult, (int)ProgramUpdate(map, U32(key), U64(value), (ulong)flags));
                    if (expectedResult == 0) model[key] = value;
                    break;
                case 2:
                    Assert.Equal(model.Remove(key), map.Delete(U32(key)));
                    break;
                default:
                    Assert.Equal(model.Keys.Order(), map.Keys().Select(k => ReadU32(k)).Order());
                    break;
            }
        }
    }
}
