using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>BPF_MAP_TYPE_ARRAY: zeroed values, index limits, flags, deletion and next-key order.</summary>
public class ArrayMapTests
{
    [Fact]
    public void Values_start_zeroed_and_every_index_below_max_entries_exists()
    {
        using var map = Create(MapType.Array, 4, 12, 5);
        for (uint i = 0; i < 5; i++)
        {
            Assert.Equal(new byte[12], map.Lookup(U32(i)));
            Assert.NotEqual(0, ProgramLookup(map, U32(i)));
        }
        Assert.Null(map.Lookup(U32(5)));
        Assert.Equal(0, ProgramLookup(map, U32(5)));
        Assert.Equal(0, ProgramLookup(map, U32(uint.MaxValue)));
    }

    [Fact]
    public void Update_flags_and_limits_give_the_kernel_errnos()
    {
        using var map = Create(MapType.Array, 4, 8, 4);
        map.Update(U32(3), U64(33));
        map.Update(U32(3), U64(34), MapUpdateFlags.Exist);
        Assert.Equal(34UL, ReadU64(map.Lookup(U32(3))));
        Assert.Equal(Errno.EEXIST, ErrnoOf(() => map.Update(U32(0), U64(1), MapUpdateFlags.NoExist)));
        Assert.Equal(Errno.E2BIG, ErrnoOf(() => map.Update(U32(4), U64(1))));
        Assert.Equal(Errno.E2BIG, ErrnoOf(() => map.Update(U32(4), U64(1), MapUpdateFlags.NoExist)));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => map.Update(U32(0), U64(1), (MapUpdateFlags)8)));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => map.Update(U32(0), U64(1), MapUpdateFlags.Lock)));
        Assert.Equal(-Errno.E2BIG, ProgramUpdate(map, U32(9), U64(1)));
    }

    [Fact]
    public void Delete_gives_EINVAL()
    {
        using var map = Create(MapType.Array, 4, 8, 4);
        var error = Assert.Throws<MapException>(() => map.Delete(U32(0)));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("cannot be deleted", error.Message);
        Assert.Equal(-Errno.EINVAL, ProgramDelete(map, U32(0)));
    }

    [Fact]
    public void Next_key_counts_up_and_restarts_at_zero_for_a_missing_key()
    {
        using var map = Create(MapType.Array, 4, 8, 3);
        Assert.Equal([0u, 1u, 2u], map.Keys().Select(k => ReadU32(k)));
        var next = new byte[4];
        Assert.True(map.TryGetNextKey(U32(77), next));
        Assert.Equal(0u, ReadU32(next));
        Assert.False(map.TryGetNextKey(U32(2), next));
    }

    [Fact]
    public void Program_writes_through_the_pointer_are_seen_by_the_host_and_the_pointer_is_the_element()
    {
        using var map = Create(MapType.Array, 4, 4, 16);
        nint second = ProgramLookup(map, U32(2));
        nint third = ProgramLookup(map, U32(3));
        Assert.Equal(8, third - second);
        unsafe { *(int*)third = -5; }
        Assert.Equal(-5, BitConverter.ToInt32(map.Lookup(U32(3))));
        Assert.True(map.ContainsValue((ulong)third, 4, out _));
    }

    [Fact]
    public void Atomic_adds_through_the_value_pointer_from_many_threads_sum_exactly()
    {
        using var map = Create(MapType.Array, 4, 8, 1);
        Parallel.For(0, 100_000, _ =>
        {
            nint counter = ProgramLookup(map, U32(0));
            unsafe { Interlocked.Add(ref *(long*)counter, 3); }
        });
        Assert.Equal(300_000UL, ReadU64(map.Lookup(U32(0))));
    }
}
