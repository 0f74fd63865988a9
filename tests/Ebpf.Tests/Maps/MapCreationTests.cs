using Ebpf.Maps;

namespace Ebpf.Tests.Maps;

/// <summary>The kernel's checks at BPF_MAP_CREATE, with the errno of each refusal.</summary>
public class MapCreationTests
{
    public static TheoryData<MapType, uint, uint, uint, MapCreationFlags, int> Refusals => new()
    {
        { MapType.Hash, 0, 8, 16, MapCreationFlags.None, Errno.EINVAL },
        { MapType.Hash, 4, 0, 16, MapCreationFlags.None, Errno.EINVAL },
        { MapType.Hash, 4, 8, 0, MapCreationFlags.None, Errno.EINVAL },
        { MapType.Hash, 513, 8, 16, MapCreationFlags.None, Errno.E2BIG },
        { MapType.Hash, 4, 8, 16, MapCreationFlags.Mmapable, Errno.EINVAL },
        { MapType.Hash, 4, 8, 16, MapCreationFlags.NoCommonLru, Errno.EINVAL },
        { MapType.Hash, 4, 8, 16, MapCreationFlags.ReadOnlyProgram | MapCreationFlags.WriteOnlyProgram, Errno.EINVAL },
        { MapType.LruHash, 4, 8, 16, MapCreationFlags.NoPrealloc, Errno.ENOTSUPP },
        { MapType.PerCpuHash, 4, 32769, 16, MapCreationFlags.None, Errno.E2BIG },
        { MapType.Array, 8, 8, 16, MapCreationFlags.None, Errno.EINVAL },
        { MapType.Array, 4, 0, 16, MapCreationFlags.None, Errno.EINVAL },
        { MapType.Array, 4, 8, 0, MapCreationFlags.None, Errno.EINVAL },
        { MapType.Array, 4, 8, 16, MapCreationFlags.NoPrealloc, Errno.EINVAL },
        { MapType.Array, 4, (4u << 20) + 1, 1, MapCreationFlags.None, Errno.E2BIG },
        { MapType.Array, 4, 1u << 20, 4096, MapCreationFlags.None, Errno.ENOMEM },
        { MapType.PerCpuArray, 4, 8, 16, MapCreationFlags.Mmapable, Errno.EINVAL },
        { MapType.ProgramArray, 4, 8, 16, MapCreationFlags.None, Errno.EINVAL },
        { MapType.ProgramArray, 4, 4, 16, MapCreationFlags.ReadOnlyProgram, Errno.EINVAL },
        { MapType.LpmTrie, 8, 8, 16, MapCreationFlags.None, Errno.EINVAL },
        { MapType.LpmTrie, 4, 8, 16, MapCreationFlags.NoPrealloc, Errno.EINVAL },
        { MapType.LpmTrie, 261, 8, 16, MapCreationFlags.NoPrealloc, Errno.EINVAL },
        { MapType.LpmTrie, 8, 0, 16, MapCreationFlags.NoPrealloc, Errno.EINVAL },
        { MapType.Queue, 4, 8, 16, MapCreationFlags.None, Errno.EINVAL },
        { MapType.Stack, 0, 0, 16, MapCreationFlags.None, Errno.EINVAL },
        { MapType.Queue, 0, 8, 0, MapCreationFlags.None, Errno.EINVAL },
        { MapType.Queue, 0, 8, 16, MapCreationFlags.NoPrealloc, Errno.EINVAL },
        { MapType.RingBuffer, 0, 0, 4096 * 3, MapCreationFlags.None, Errno.EINVAL },
        { MapType.RingBuffer, 0, 0, 2048, MapCreationFlags.None, Errno.EINVAL },
        { MapType.RingBuffer, 4, 0, 4096, MapCreationFlags.None, Errno.EINVAL },
        { MapType.RingBuffer, 0, 8, 4096, MapCreationFlags.None, Errno.EINVAL },
        { MapType.BloomFilter, 4, 8, 16, MapCreationFlags.None, Errno.EINVAL },
        { MapType.BloomFilter, 0, 0, 16, MapCreationFlags.None, Errno.EINVAL },
        { MapType.BloomFilter, 0, 8, 16, MapCreationFlags.NoPrealloc, Errno.EINVAL },
        { MapType.BloomFilter, 0, (4u << 20) + 1, 16, MapCreationFlags.None, Errno.E2BIG },
        { MapType.ArrayOfMaps, 4, 4, 16, MapCreationFlags.None, Errno.EBADF },
        { MapType.PerfEventArray, 4, 4, 16, MapCreationFlags.None, Errno.EINVAL },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refuses_specs_the_kernel_refuses(MapType type, uint keySize, uint valueSize, uint maxEntries, MapCreationFlags flags, int errno)
    {
        var error = Assert.Throws<MapException>(() => Map.Create(new MapSpec("bad", type, keySize, valueSize, maxEntries, flags)));
        Assert.Equal(errno, error.Errno);
        Assert.Contains("'bad'", error.Message);
        Assert.Contains(Errno.Name(errno), error.Message);
    }

    [Theory]
    [InlineData(MapType.Hash, 4u, 8u, 16u, MapCreationFlags.NoPrealloc, typeof(HashMap))]
    [InlineData(MapType.PerCpuHash, 4u, 8u, 16u, MapCreationFlags.None, typeof(PerCpuHashMap))]
    [InlineData(MapType.LruHash, 4u, 8u, 16u, MapCreationFlags.NoCommonLru, typeof(LruHashMap))]
    [InlineData(MapType.LruPerCpuHash, 4u, 8u, 16u, MapCreationFlags.None, typeof(LruPerCpuHashMap))]
    [InlineData(MapType.Array, 4u, 1u, 16u, MapCreationFlags.Mmapable, typeof(ArrayMap))]
    [InlineData(MapType.PerCpuArray, 4u, 8u, 16u, MapCreationFlags.None, typeof(PerCpuArrayMap))]
    [InlineData(MapType.ProgramArray, 4u, 4u, 16u, MapCreationFlags.None, typeof(ProgramArrayMap))]
    [InlineData(MapType.LpmTrie, 8u, 8u, 16u, MapCreationFlags.NoPrealloc, typeof(LpmTrieMap))]
    [InlineData(MapType.Queue, 0u, 8u, 16u, MapCreationFlags.None, typeof(QueueMap))]
    [InlineData(MapType.Stack, 0u, 8u, 16u, MapCreationFlags.None, typeof(StackMap))]
    [InlineData(MapType.RingBuffer, 0u, 0u, 4096u, MapCreationFlags.None, typeof(RingBufferMap))]
    [InlineData(MapType.BloomFilter, 0u, 8u, 16u, MapCreationFlags.ZeroSeed, typeof(BloomFilterMap))]
    public void Creates_the_map_class_of_each_type(MapType type, uint keySize, uint valueSize, uint maxEntries, MapCreationFlags flags, Type expected)
    {
        using var map = Map.Create(new MapSpec("ok", type, keySize, valueSize, maxEntries, flags));
        Assert.IsType(expected, map);
        Assert.Equal(type, map.Type);
        Assert.True(MapRegistry.TryGetById(map.Id, out var byId));
        Assert.Same(map, byId);
        Assert.True(MapRegistry.TryGetByHandle((ulong)map.Handle, out var byHandle));
        Assert.Same(map, byHandle);
    }

    [Fact]
    public void Disposal_unregisters_the_map_and_later_host_calls_throw()
    {
        var map = MapTestHelpers.Create(MapType.Hash, 4, 8, 4);
        uint id = map.Id;
        nint handle = map.Handle;
        map.Dispose();
        map.Dispose();
        Assert.True(map.IsDisposed);
        Assert.False(MapRegistry.TryGetById(id, out _));
        Assert.False(MapRegistry.TryGetByHandle((ulong)handle, out _));
        Assert.Throws<ObjectDisposedException>(() => map.Lookup(MapTestHelpers.U32(1)));
        Assert.Equal(0, MapTestHelpers.ProgramLookup(map, MapTestHelpers.U32(1)));
    }

    [Fact]
    public void Read_only_program_maps_hand_out_read_only_regions()
    {
        using var map = MapTestHelpers.Create(MapType.Array, 4, 8, 4, MapCreationFlags.ReadOnlyProgram);
        nint value = MapTestHelpers.ProgramLookup(map, MapTestHelpers.U32(2));
        Assert.True(map.ContainsValue((ulong)value, 8, out bool writable));
        Assert.False(writable);
        Assert.Equal(-Errno.EPERM, MapTestHelpers.ProgramUpdate(map, MapTestHelpers.U32(2), MapTestHelpers.U64(1)));
        map.Update(MapTestHelpers.U32(2), MapTestHelpers.U64(7));
        Assert.Equal(7UL, MapTestHelpers.ReadU64(value));
    }

    [Fact]
    public void Host_read_only_and_write_only_flags_are_enforced_with_EPERM()
    {
        using var readOnly = MapTestHelpers.Create(MapType.Hash, 4, 8, 4, MapCreationFlags.ReadOnly);
        Assert.Equal(Errno.EPERM, MapTestHelpers.ErrnoOf(() => readOnly.Update(MapTestHelpers.U32(1), MapTestHelpers.U64(1))));
        Assert.Equal(0, MapTestHelpers.ProgramUpdate(readOnly, MapTestHelpers.U32(1), MapTestHelpers.U64(5)));
        Assert.Equal(5UL, MapTestHelpers.ReadU64(readOnly.Lookup(MapTestHelpers.U32(1))));

        using var writeOnly = MapTestHelpers.Create(MapType.Hash, 4, 8, 4, MapCreationFlags.WriteOnly);
        writeOnly.Update(MapTestHelpers.U32(1), MapTestHelpers.U64(1));
        Assert.Equal(Errno.EPERM, MapTestHelpers.ErrnoOf(() => writeOnly.Lookup(MapTestHelpers.U32(1))));
    }
}
