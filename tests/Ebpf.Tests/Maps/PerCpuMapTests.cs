using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>PERCPU_ARRAY and PERCPU_HASH: programs see their slot, the host sees every slot rounded up to 8 bytes.</summary>
public class PerCpuMapTests
{
    [Fact]
    public void A_per_cpu_array_gives_programs_their_slot_and_the_host_all_slots_padded_to_8_bytes()
    {
        using var map = Create(MapType.PerCpuArray, 4, 4, 2, processorCount: 3);
        Assert.Equal(24, map.HostValueSize);
        Assert.Equal(0, ProgramUpdate(map, U32(1), U32(0xAAAA), processorSlot: 0));
        Assert.Equal(0, ProgramUpdate(map, U32(1), U32(0xCCCC), processorSlot: 2));
        var all = map.Lookup(U32(1))!;
        Assert.Equal(0xAAAAu, ReadU32(all.AsSpan(0)));
        Assert.Equal(0u, ReadU32(all.AsSpan(8)));
        Assert.Equal(0xCCCCu, ReadU32(all.AsSpan(16)));
        Assert.Equal(0u, ReadU32(all.AsSpan(4)));
        nint slot2 = ProgramLookup(map, U32(1), processorSlot: 2);
        Assert.Equal(0xCCCCu, (uint)ReadU64(slot2));
        Assert.Equal(16, slot2 - ProgramLookup(map, U32(1), processorSlot: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProgramLookup(map, U32(1), processorSlot: 3));
    }

    [Fact]
    public void The_host_writes_every_slot()
    {
        using var map = Create(MapType.PerCpuArray, 4, 8, 1, processorCount: 2);
        var both = new byte[16];
        BitConverter.TryWriteBytes(both.AsSpan(0), 5UL);
        BitConverter.TryWriteBytes(both.AsSpan(8), 6UL);
        map.Update(U32(0), both);
        Assert.Equal(5UL, ReadU64(ProgramLookup(map, U32(0), 0)));
        Assert.Equal(6UL, ReadU64(ProgramLookup(map, U32(0), 1)));
    }

    [Fact]
    public void Per_cpu_hash_program_update_of_a_new_key_zeroes_the_other_slots_and_an_update_of_an_existing_key_keeps_them()
    {
        using var map = Create(MapType.PerCpuHash, 4, 8, 4, processorCount: 2);
        var both = new byte[16];
        Array.Fill(both, (byte)0xFF);
        map.Update(U32(1), both);
        map.Delete(U32(1));
        Assert.Equal(0, ProgramUpdate(map, U32(1), U64(7), processorSlot: 1));
        var all = map.Lookup(U32(1))!;
        Assert.Equal(0UL, ReadU64(all.AsSpan(0)));
        Assert.Equal(7UL, ReadU64(all.AsSpan(8)));
        Assert.Equal(0, ProgramUpdate(map, U32(1), U64(3), processorSlot: 0));
        all = map.Lookup(U32(1))!;
        Assert.Equal(3UL, ReadU64(all.AsSpan(0)));
        Assert.Equal(7UL, ReadU64(all.AsSpan(8)));
        Assert.Equal(Errno.E2BIG, ErrnoOf(() =>
        {
            for (uint k = 2; k < 10; k++) map.Update(U32(k), both);
        }));
    }

    [Fact]
    public void Parallel_counters_in_per_cpu_slots_sum_to_the_number_of_increments()
    {
        const int slots = 4;
        using var array = Create(MapType.PerCpuArray, 4, 8, 1, processorCount: slots);
        using var hash = Create(MapType.PerCpuHash, 4, 8, 1, processorCount: slots);
        hash.Update(U32(9), new byte[8 * slots]);
        Parallel.For(0, slots, new ParallelOptions { MaxDegreeOfParallelism = slots }, slot =>
        {
            for (int i = 0; i < 25_000; i++)
            {
                unsafe
                {
                    (*(ulong*)ProgramLookup(array, U32(0), slot))++;
                    (*(ulong*)ProgramLookup(hash, U32(9), slot))++;
                }
            }
        });
        foreach (var map in new[] { array, hash })
        {
            var all = map.Lookup(map == array ? U32(0) : U32(9))!;
            ulong sum = 0;
            for (int slot = 0; slot < slots; slot++) sum += ReadU64(all.AsSpan(slot * 8));
            Assert.Equal(100_000UL, sum);
        }
    }

    [Fact]
    public void Maps_that_are_not_per_cpu_ignore_the_run_processor_slot()
    {
        using var array = Create(MapType.Array, 4, 8, 2);
        using var hash = Create(MapType.Hash, 4, 8, 2);
        hash.Update(U32(1), U64(5));
        Assert.False(array.IsPerCpu);
        Assert.Equal(ProgramLookup(array, U32(1)), ProgramLookup(array, U32(1), processorSlot: 7));
        Assert.Equal(ProgramLookup(hash, U32(1)), ProgramLookup(hash, U32(1), processorSlot: 7));
        Assert.Equal(0, ProgramUpdate(hash, U32(1), U64(6), processorSlot: 7));
        Assert.Equal(6UL, ReadU64(hash.Lookup(U32(1))));
    }
}
