using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>
/// Deferred reuse of deleted value slots (<see cref="MapReclamation"/>). Every test that registers runs lives here, so
/// no other test's run can hold back reuse while these assert on it.
/// </summary>
public class MapReclamationTests
{
    [Fact]
    public void A_value_pointer_keeps_its_old_contents_after_delete_while_the_run_lasts()
    {
        using var map = Create(MapType.Hash, 4, 8, 16);
        map.Update(U32(1), U64(111));
        using (MapReclamation.EnterRun())
        {
            nint value = ProgramLookup(map, U32(1));
            Assert.True(map.Delete(U32(1)));
            for (uint churn = 0; churn < 12; churn++)
            {
                map.Update(U32(2 + churn % 2), U64(churn));
                map.Delete(U32(2 + churn % 2));
            }
            Assert.Equal(111UL, ReadU64(value));
        }
    }

    [Fact]
    public void A_value_pointer_stays_readable_map_memory_after_delete_even_when_the_spares_run_out()
    {
        using var map = Create(MapType.Hash, 4, 8, 2);
        map.Update(U32(1), U64(111));
        using (MapReclamation.EnterRun())
        {
            nint value = ProgramLookup(map, U32(1));
            Assert.True(map.Delete(U32(1)));
            for (uint churn = 0; churn < 500; churn++)
            {
                map.Update(U32(2 + churn % 2), U64(churn));
                map.Delete(U32(2 + churn % 2));
            }
            // Beyond the spare slots the oldest deleted slot is recycled (the kernel's preallocated behaviour), but the
            // address is still memory of this map, never freed memory.
            Assert.True(map.ContainsValue((ulong)value, 8, out _));
            Assert.True(ReadU64(value) is 111 or < 500);
        }
    }

    [Fact]
    public void Without_a_registered_run_a_deleted_slot_is_reused_first()
    {
        using var map = Create(MapType.Hash, 4, 8, 4);
        map.Update(U32(1), U64(1));
        nint deleted = ProgramLookup(map, U32(1));
        map.Delete(U32(1));
        map.Update(U32(2), U64(2));
        Assert.Equal(deleted, ProgramLookup(map, U32(2)));
    }

    [Fact]
    public void Replacing_a_value_leaves_the_old_pointer_with_the_old_value_as_the_kernel_does()
    {
        using var map = Create(MapType.Hash, 4, 8, 4);
        map.Update(U32(1), U64(1));
        using (MapReclamation.EnterRun())
        {
            nint before = ProgramLookup(map, U32(1));
            Assert.Equal(0, ProgramUpdate(map, U32(1), U64(2)));
            nint after = ProgramLookup(map, U32(1));
            Assert.NotEqual(before, after);
            Assert.Equal(1UL, ReadU64(before));
            Assert.Equal(2UL, ReadU64(after));
        }
    }

    [Fact]
    public void An_LPM_value_pointer_keeps_its_contents_after_the_prefix_is_deleted_and_replaced_while_the_run_lasts()
    {
        using var trie = Create(MapType.LpmTrie, 8, 8, 8, MapCreationFlags.NoPrealloc);
        byte[] prefix = [24, 0, 0, 0, 10, 1, 2, 0];
        trie.Update(prefix, U64(24));
        using (MapReclamation.EnterRun())
        {
            nint value = ProgramLookup(trie, [32, 0, 0, 0, 10, 1, 2, 3]);
            Assert.True(trie.Delete(prefix));
            trie.Update(prefix, U64(99));
            Assert.Equal(24UL, ReadU64(value));
            Assert.Equal(99UL, ReadU64(ProgramLookup(trie, [32, 0, 0, 0, 10, 1, 2, 3])));
        }
    }
}
