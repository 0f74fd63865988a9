using System.Collections.Concurrent;
using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>Hash maps under concurrent host and program operations: capacity, consistency and exact counts.</summary>
public class HashMapConcurrencyTests
{
    [Theory]
    [InlineData(MapType.Hash)]
    [InlineData(MapType.LruHash)]
    [InlineData(MapType.LpmTrie)]
    public void Concurrent_updates_deletes_and_lookups_keep_every_value_with_its_key(MapType type)
    {
        const int maxEntries = 32;
        bool trie = type == MapType.LpmTrie;
        using var map = trie
            ? Create(type, 8, 8, maxEntries, MapCreationFlags.NoPrealloc)
            : Create(type, 8, 8, maxEntries);
        byte[] KeyOf(uint k) => trie ? [32, 0, 0, 0, (byte)(k >> 24), (byte)(k >> 16), (byte)(k >> 8), (byte)k] : U64(k);
        var errors = new ConcurrentBag<string>();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, thread =>
        {
            var random = new Random(thread);
            for (int step = 0; step < 20_000; step++)
            {
                uint key = (uint)random.Next(64);
                switch (random.Next(3))
                {
                    case 0:
                        long result = ProgramUpdate(map, KeyOf(key), U64(key * 1000UL + (ulong)thread));
                        if (result != 0 && !(result == -Errno.E2BIG && type == MapType.Hash) && !(result == -Errno.ENOSPC && trie))
                            errors.Add($"update gave {result}");
                        break;
                    case 1:
                        map.Delete(KeyOf(key));
                        break;
                    default:
                        if (map.Lookup(KeyOf(key)) is { } value && ReadU64(value) / 1000 != key)
                            errors.Add($"key {key} held {ReadU64(value)}");
                        break;
                }
            }
        });
        Assert.Empty(errors);
        var keys = map.Keys().Select(k => Convert.ToHexString(k)).ToList();
        Assert.InRange(keys.Count, 0, maxEntries);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        foreach (var (key, value) in map.Entries())
            Assert.Equal(trie ? (ulong)(key[4] << 24 | key[5] << 16 | key[6] << 8 | key[7]) : ReadU64(key), ReadU64(value) / 1000);
    }

    [Fact]
    public void Atomic_adds_through_hash_value_pointers_from_many_threads_sum_exactly()
    {
        using var map = Create(MapType.Hash, 4, 8, 16);
        for (uint k = 0; k < 8; k++) map.Update(U32(k), U64(0));
        Parallel.For(0, 80_000, i =>
        {
            nint value = ProgramLookup(map, U32((uint)i % 8));
            unsafe { Interlocked.Increment(ref *(long*)value); }
        });
        Assert.All(Enumerable.Range(0, 8), k => Assert.Equal(10_000UL, ReadU64(map.Lookup(U32((uint)k)))));
    }
}
