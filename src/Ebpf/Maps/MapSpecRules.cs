namespace Ebpf.Maps;

/// <summary>
/// The checks the kernel makes when a map is created (<c>map_alloc_check</c> and the generic checks of
/// <c>map_create</c>), with the errno it returns for each.
/// </summary>
internal static class MapSpecRules
{
    /// <summary>BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG.</summary>
    private const MapCreationFlags AccessFlags = MapCreationFlags.ReadOnly | MapCreationFlags.WriteOnly |
        MapCreationFlags.ReadOnlyProgram | MapCreationFlags.WriteOnlyProgram;

    private const MapCreationFlags HashFlags = MapCreationFlags.NoPrealloc | MapCreationFlags.NoCommonLru |
        MapCreationFlags.NumaNode | AccessFlags | MapCreationFlags.ZeroSeed;

    private const MapCreationFlags ArrayFlags = MapCreationFlags.NumaNode | MapCreationFlags.Mmapable | AccessFlags |
        MapCreationFlags.PreserveElements | MapCreationFlags.InnerMap;

    private const MapCreationFlags SimpleFlags = MapCreationFlags.NumaNode | AccessFlags;

    /// <summary>The largest kmalloc allocation on x86-64 (4 MiB), the kernel's limit for one value.</summary>
    private const long KmallocMaxSize = 4L << 20;

    /// <summary>The smallest per-CPU unit (32 KiB), the limit of a per-CPU value.</summary>
    private const int PerCpuMinUnitSize = 32 << 10;

    private const int MaxBpfStack = 512;
    private const int PageSize = 4096;

    /// <summary>Throws the <see cref="MapException"/> the kernel's refusal corresponds to, if any.</summary>
    public static void EnsureValid(MapSpec spec)
    {
        var (errno, reason) = Check(spec);
        if (errno != 0) throw MapErrors.Create(spec, errno, reason);
    }

    private static (int Errno, string Reason) Check(MapSpec spec)
    {
        var flags = spec.Flags;
        if ((flags & MapCreationFlags.ReadOnly) != 0 && (flags & MapCreationFlags.WriteOnly) != 0 ||
            (flags & MapCreationFlags.ReadOnlyProgram) != 0 && (flags & MapCreationFlags.WriteOnlyProgram) != 0)
            return Invalid("a map cannot be both read-only and write-only (BPF_F_RDONLY/BPF_F_WRONLY, or their _PROG forms)");
        if (spec.MapExtra != 0 && spec.Type != MapType.BloomFilter)
            return Invalid("map_extra is only meaningful for bloom filters; leave it 0");
        var typeCheck = spec.Type switch
        {
            MapType.Hash or MapType.PerCpuHash or MapType.LruHash or MapType.LruPerCpuHash or MapType.HashOfMaps => CheckHash(spec),
            MapType.Array or MapType.PerCpuArray => CheckArray(spec),
            MapType.ProgramArray or MapType.ArrayOfMaps => CheckFdArray(spec),
            MapType.LpmTrie => CheckLpmTrie(spec),
            MapType.Queue or MapType.Stack => CheckQueueStack(spec),
            MapType.RingBuffer => CheckRingBuffer(spec),
            MapType.BloomFilter => CheckBloomFilter(spec),
            _ => (0, ""),
        };
        return typeCheck.Item1 != 0 ? typeCheck : CheckInnerMap(spec);
    }

    private static (int, string) CheckHash(MapSpec spec)
    {
        bool lru = spec.Type is MapType.LruHash or MapType.LruPerCpuHash;
        bool perCpu = spec.Type is MapType.PerCpuHash or MapType.LruPerCpuHash;
        if ((spec.Flags & ~HashFlags) != 0) return Invalid($"hash maps accept only {HashFlags}, not {spec.Flags & ~HashFlags}");
        if (!lru && (spec.Flags & MapCreationFlags.NoCommonLru) != 0) return Invalid("BPF_F_NO_COMMON_LRU is only for LRU hash maps");
        if (lru && (spec.Flags & MapCreationFlags.NoPrealloc) != 0)
            return (Errno.ENOTSUPP, "LRU hash maps are always preallocated; remove BPF_F_NO_PREALLOC");
        if (spec.MaxEntries == 0 || spec.KeySize == 0 || spec.ValueSize == 0)
            return Invalid("key_size, value_size and max_entries must all be above 0");
        if (spec.KeySize > MaxBpfStack) return (Errno.E2BIG, $"key_size {spec.KeySize} exceeds the {MaxBpfStack}-byte BPF stack a key must fit in");
        if (spec.ValueSize >= KmallocMaxSize - MaxBpfStack - 64)
            return (Errno.E2BIG, $"value_size {spec.ValueSize} exceeds the kernel's largest element");
        if (perCpu && RoundUp8(spec.ValueSize) > PerCpuMinUnitSize)
            return (Errno.E2BIG, $"a per-CPU value may be at most {PerCpuMinUnitSize} bytes");
        if (spec.Type == MapType.HashOfMaps && spec.ValueSize != 4) return Invalid("map-in-map values are 4-byte map ids; set value_size 4");
        return CheckTotal(spec, (long)spec.MaxEntries * (RoundUp8(spec.KeySize) + RoundUp8(spec.ValueSize)));
    }

    private static (int, string) CheckArray(MapSpec spec)
    {
        bool perCpu = spec.Type == MapType.PerCpuArray;
        if (spec.MaxEntries == 0 || spec.KeySize != 4 || spec.ValueSize == 0)
            return Invalid("arrays need key_size 4 (a u32 index), value_size above 0 and max_entries above 0");
        if ((spec.Flags & ~ArrayFlags) != 0) return Invalid($"arrays accept only {ArrayFlags}, not {spec.Flags & ~ArrayFlags}");
        if (perCpu && (spec.Flags & (MapCreationFlags.Mmapable | MapCreationFlags.InnerMap)) != 0)
            return Invalid("BPF_F_MMAPABLE and BPF_F_INNER_MAP are for plain arrays only");
        if ((spec.Flags & MapCreationFlags.PreserveElements) != 0) return Invalid("BPF_F_PRESERVE_ELEMS is for perf event arrays only");
        if (spec.ValueSize > KmallocMaxSize) return (Errno.E2BIG, $"value_size {spec.ValueSize} exceeds the kernel's largest element ({KmallocMaxSize} bytes)");
        if (perCpu && RoundUp8(spec.ValueSize) > PerCpuMinUnitSize) return (Errno.E2BIG, $"a per-CPU value may be at most {PerCpuMinUnitSize} bytes");
        long size = (long)spec.MaxEntries * (perCpu ? 8 : RoundUp8(spec.ValueSize));
        if (size >= uint.MaxValue - PageSize) return (Errno.ENOMEM, "max_entries × value_size exceeds 4 GiB; make the array smaller");
        return (0, "");
    }

    private static (int, string) CheckFdArray(MapSpec spec)
    {
        if (spec.MaxEntries == 0 || spec.KeySize != 4 || spec.ValueSize != 4)
            return Invalid("program arrays and arrays of maps need key_size 4, value_size 4 (a program or map reference) and max_entries above 0");
        if ((spec.Flags & ~ArrayFlags) != 0 || (spec.Flags & (MapCreationFlags.Mmapable | MapCreationFlags.InnerMap | MapCreationFlags.PreserveElements)) != 0)
            return Invalid($"flags {spec.Flags} are not accepted by {spec.Type}");
        if ((spec.Flags & (MapCreationFlags.ReadOnlyProgram | MapCreationFlags.WriteOnlyProgram)) != 0)
            return Invalid("BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG are not supported for program arrays and arrays of maps");
        return (0, "");
    }

    private static (int, string) CheckLpmTrie(MapSpec spec)
    {
        const int minKey = 4 + 1, maxKey = 4 + 256;
        if (spec.KeySize < minKey || spec.KeySize > maxKey || spec.ValueSize < 1)
            return Invalid($"LPM trie keys are a u32 prefix length plus 1 to 256 data bytes (key_size {minKey}–{maxKey}), and value_size must be above 0");
        if (spec.ValueSize > KmallocMaxSize - maxKey) return Invalid($"value_size {spec.ValueSize} is too large for an LPM trie node");
        if ((spec.Flags & MapCreationFlags.NoPrealloc) == 0) return Invalid("LPM tries must be created with BPF_F_NO_PREALLOC, as the kernel requires");
        if ((spec.Flags & ~(MapCreationFlags.NoPrealloc | SimpleFlags)) != 0) return Invalid($"LPM tries do not accept {spec.Flags}");
        if (spec.MaxEntries == 0) return Invalid("max_entries must be above 0");
        return CheckTotal(spec, (long)spec.MaxEntries * (RoundUp8(spec.KeySize) + RoundUp8(spec.ValueSize)));
    }

    private static (int, string) CheckQueueStack(MapSpec spec)
    {
        if (spec.KeySize != 0 || spec.ValueSize == 0 || (spec.Flags & ~SimpleFlags) != 0)
            return Invalid("queues and stacks need key_size 0, value_size above 0, and accept only access and NUMA flags");
        if (spec.MaxEntries == 0) return Invalid("max_entries must be above 0");
        if (spec.ValueSize > KmallocMaxSize) return (Errno.E2BIG, $"value_size {spec.ValueSize} is too large");
        return CheckTotal(spec, ((long)spec.MaxEntries + 1) * spec.ValueSize);
    }

    private static (int, string) CheckRingBuffer(MapSpec spec)
    {
        if (spec.KeySize != 0 || spec.ValueSize != 0 || (spec.Flags & ~MapCreationFlags.NumaNode) != 0)
            return Invalid("ring buffers need key_size 0 and value_size 0, and accept only BPF_F_NUMA_NODE");
        if (spec.MaxEntries < PageSize || (spec.MaxEntries & (spec.MaxEntries - 1)) != 0 || spec.MaxEntries % PageSize != 0)
            return Invalid($"a ring buffer's max_entries is its size in bytes: a power of 2 and a multiple of the {PageSize}-byte page, not {spec.MaxEntries}");
        if (spec.MaxEntries > 1u << 30) return Invalid("a ring buffer may be at most 1 GiB here"); // keeps the doubled data area within reach
        return (0, "");
    }

    private static (int, string) CheckBloomFilter(MapSpec spec)
    {
        if (spec.KeySize != 0 || spec.ValueSize == 0 || spec.MaxEntries == 0 ||
            (spec.Flags & ~(SimpleFlags | MapCreationFlags.ZeroSeed)) != 0 || (spec.MapExtra & ~0xFUL) != 0)
            return Invalid("bloom filters need key_size 0, value_size and max_entries above 0, only access, NUMA and zero-seed flags, and map_extra at most 15 (the number of hash functions)");
        if (spec.ValueSize > KmallocMaxSize) return (Errno.E2BIG, $"value_size {spec.ValueSize} is too large");
        return (0, "");
    }

    private static (int, string) CheckInnerMap(MapSpec spec)
    {
        bool outer = spec.Type is MapType.ArrayOfMaps or MapType.HashOfMaps;
        if (!outer) return spec.InnerMap is null ? (0, "") : Invalid("only ARRAY_OF_MAPS and HASH_OF_MAPS take an inner map template");
        if (spec.InnerMap is null) return (Errno.EBADF, "a map-in-map needs an inner map template (MapSpec.InnerMap), as the kernel needs inner_map_fd");
        if (spec.InnerMap.Type is MapType.ArrayOfMaps or MapType.HashOfMaps) return Invalid("maps of maps nest one level only");
        if (spec.InnerMap.Type == MapType.ProgramArray) return (Errno.ENOTSUPP, "program arrays cannot be inner maps");
        var (errno, reason) = Check(spec.InnerMap);
        return errno == 0 ? (0, "") : (errno, $"inner map template: {reason}");
    }

    /// <summary>Refuses maps whose preallocated memory would not fit a managed array index (about 2 GiB per arena).</summary>
    private static (int, string) CheckTotal(MapSpec spec, long bytes) =>
        bytes > int.MaxValue ? (Errno.ENOMEM, $"{spec.MaxEntries} entries would need {bytes} bytes of memory; lower max_entries") : (0, "");

    private static (int, string) Invalid(string reason) => (Errno.EINVAL, reason);

    private static long RoundUp8(uint size) => (size + 7L) & ~7L;
}
