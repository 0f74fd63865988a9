using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>Batch operations: cursors, partial batches, failures with a processed count, unsupported types.</summary>
public class MapBatchTests
{
    private static byte[] Keys(params uint[] keys) => keys.SelectMany(U32).ToArray();

    private static byte[] Values(params ulong[] values) => values.SelectMany(U64).ToArray();

    [Fact]
    public void Lookup_batches_walk_the_whole_map_through_the_cursor()
    {
        using var map = Create(MapType.Hash, 4, 8, 32);
        Assert.Equal(20, map.UpdateBatch(Keys(Enumerable.Range(0, 20).Select(i => (uint)i).ToArray()),
            Values(Enumerable.Range(0, 20).Select(i => (ulong)i * 10).ToArray())));
        var cursor = new MapBatchCursor();
        var seen = new Dictionary<uint, ulong>();
        var keys = new byte[7 * 4];
        var values = new byte[7 * 8];
        int batches = 0;
        while (!cursor.IsComplete)
        {
            int count = map.LookupBatch(cursor, keys, values);
            for (int i = 0; i < count; i++) seen.Add(ReadU32(keys.AsSpan(i * 4)), ReadU64(values.AsSpan(i * 8)));
            batches++;
        }
        Assert.Equal(20, seen.Count);
        Assert.All(seen, pair => Assert.Equal(pair.Key * 10UL, pair.Value));
        Assert.InRange(batches, 3, 4);
        Assert.Equal(0, map.LookupBatch(cursor, keys, values));
    }

    [Fact]
    public void Lookup_and_delete_batches_empty_the_map()
    {
        using var map = Create(MapType.LruHash, 4, 8, 16);
        map.UpdateBatch(Keys(1, 2, 3, 4, 5), Values(1, 2, 3, 4, 5));
        var cursor = new MapBatchCursor();
        var keys = new byte[2 * 4];
        var values = new byte[2 * 8];
        var taken = new List<uint>();
        while (!cursor.IsComplete)
        {
            int count = map.LookupAndDeleteBatch(cursor, keys, values);
            for (int i = 0; i < count; i++)
            {
                taken.Add(ReadU32(keys.AsSpan(i * 4)));
                Assert.Equal((ulong)taken[^1], ReadU64(values.AsSpan(i * 8)));
            }
        }
        Assert.Equal([1u, 2u, 3u, 4u, 5u], taken.Order());
        Assert.Empty(map.Keys());
    }

    [Fact]
    public void A_failing_element_stops_the_batch_and_reports_how_many_were_done()
    {
        using var map = Create(MapType.Hash, 4, 8, 2);
        var error = Assert.Throws<MapException>(() => map.UpdateBatch(Keys(1, 2, 3), Values(1, 2, 3)));
        Assert.Equal(Errno.E2BIG, error.Errno);
        Assert.Equal(2, error.Processed);
        Assert.Contains("after 2 elements", error.Message);
        var deleteError = Assert.Throws<MapException>(() => map.DeleteBatch(Keys(1, 7, 2)));
        Assert.Equal(Errno.ENOENT, deleteError.Errno);
        Assert.Equal(1, deleteError.Processed);
        Assert.Equal([2u], map.Keys().Select(k => ReadU32(k)));
        Assert.Equal(1, map.DeleteBatch(Keys(2)));
    }

    [Fact]
    public void Arrays_batch_lookups_and_updates_but_not_deletes()
    {
        using var map = Create(MapType.Array, 4, 8, 3);
        map.UpdateBatch(Keys(0, 2), Values(5, 7));
        var cursor = new MapBatchCursor();
        var keys = new byte[3 * 4];
        var values = new byte[3 * 8];
        Assert.Equal(3, map.LookupBatch(cursor, keys, values));
        Assert.Equal([5UL, 0UL, 7UL], Enumerable.Range(0, 3).Select(i => ReadU64(values.AsSpan(i * 8))));
        Assert.Equal(Errno.EEXIST, Assert.Throws<MapException>(() => map.UpdateBatch(Keys(0), Values(1), MapUpdateFlags.NoExist)).Errno);
        Assert.Equal(Errno.ENOTSUPP, ErrnoOf(() => map.DeleteBatch(Keys(0))));
        Assert.Equal(Errno.ENOTSUPP, ErrnoOf(() => map.LookupAndDeleteBatch(new MapBatchCursor(), keys, values)));
    }

    [Fact]
    public void Types_without_batch_operations_refuse_them()
    {
        using var queue = Create(MapType.Queue, 0, 8, 2);
        Assert.False(queue.SupportsBatch);
        using var trie = Create(MapType.LpmTrie, 8, 8, 4, MapCreationFlags.NoPrealloc);
        Assert.True(trie.SupportsBatch);
        using var bloom = Create(MapType.BloomFilter, 0, 8, 2);
        Assert.Equal(Errno.ENOTSUPP, ErrnoOf(() => bloom.UpdateBatch([], [])));
    }
}
