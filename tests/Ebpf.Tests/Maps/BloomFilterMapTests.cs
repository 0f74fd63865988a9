using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>BLOOM_FILTER: no false negatives, few false positives, the kernel's sizing and errnos.</summary>
public class BloomFilterMapTests
{
    private static unsafe long Push(Map map, byte[] value, ulong flags = 0)
    {
        fixed (byte* v = value) return map.PushElement((ulong)v, flags);
    }

    private static unsafe long Peek(Map map, byte[] value)
    {
        fixed (byte* v = value) return map.PeekElement((ulong)v);
    }

    [Fact]
    public void Added_values_are_always_found_and_most_others_are_not()
    {
        using var bloom = (BloomFilterMap)Create(MapType.BloomFilter, 0, 8, 1000);
        Assert.Equal(5, bloom.HashFunctionCount);
        for (ulong v = 0; v < 1000; v++) Assert.Equal(0, Push(bloom, U64(v * 7919)));
        for (ulong v = 0; v < 1000; v++) Assert.Equal(0, Peek(bloom, U64(v * 7919)));
        int falsePositives = 0;
        for (ulong v = 0; v < 10_000; v++)
            if (Peek(bloom, U64(1_000_000_007 + v)) == 0) falsePositives++;
        Assert.True(falsePositives < 500, $"{falsePositives} false positives in 10000");
        using var empty = Create(MapType.BloomFilter, 0, 8, 10);
        Assert.Equal(-Errno.ENOENT, Peek(empty, U64(1)));
    }

    [Fact]
    public void The_number_of_hash_functions_comes_from_map_extra_and_the_bit_array_is_sized_like_the_kernels()
    {
        using var bloom = (BloomFilterMap)Map.Create(new MapSpec("b", MapType.BloomFilter, 0, 4, 100) { MapExtra = 3 });
        Assert.Equal(3, bloom.HashFunctionCount);
        Assert.Equal(512, bloom.BitCount); // 100 × 3 / 5 × 7 = 420 → 512
        using var tiny = (BloomFilterMap)Create(MapType.BloomFilter, 0, 4, 1);
        Assert.Equal(64, tiny.BitCount);
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => Map.Create(new MapSpec("b", MapType.BloomFilter, 0, 4, 100) { MapExtra = 16 })));
    }

    [Fact]
    public void Only_push_and_peek_are_supported()
    {
        using var bloom = (BloomFilterMap)Create(MapType.BloomFilter, 0, 4, 10);
        Assert.Equal(-Errno.EINVAL, Push(bloom, U32(1), (ulong)MapUpdateFlags.Exist));
        Assert.Equal(-Errno.EOPNOTSUPP, bloom.PopElement(0));
        Assert.Equal(-Errno.EOPNOTSUPP, ProgramDelete(bloom, []));
        Assert.Equal(Errno.EOPNOTSUPP, ErrnoOf(() => bloom.TryGetNextKey([], [])));
        bloom.Add(U32(42));
        Assert.True(bloom.MayContain(U32(42)));
        var probe = U32(42);
        Assert.True(bloom.Lookup([], probe));
        bloom.Update([], U32(43));
        Assert.True(bloom.MayContain(U32(43)));
    }

    [Fact]
    public void Concurrent_adds_leave_no_false_negatives()
    {
        using var bloom = (BloomFilterMap)Create(MapType.BloomFilter, 0, 8, 20_000);
        Parallel.For(0, 20_000, i => bloom.Add(U64((ulong)i)));
        for (int i = 0; i < 20_000; i++) Assert.True(bloom.MayContain(U64((ulong)i)));
    }
}
