namespace Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_LRU_HASH: a hash map that, when full, makes room for a new key by evicting the least recently used
/// element instead of failing with E2BIG.
/// </summary>
/// <remarks>
/// Policy: one exact LRU list per map (the kernel approximates it with per-CPU lists and reference bits, and may evict
/// a little before the map is full). "Used" means created or replaced by an update, or looked up by a program
/// (<see cref="Map.LookupElement"/>); host lookups do not count, as <c>bpf(BPF_MAP_LOOKUP_ELEM)</c> does not set the
/// kernel's reference bit. BPF_F_NO_COMMON_LRU is accepted and changes nothing.
/// </remarks>
public sealed class LruHashMap : HashMap
{
    internal LruHashMap(MapSpec spec) : base(spec, 1, perCpu: false, lru: true) { }
}

/// <summary>BPF_MAP_TYPE_LRU_PERCPU_HASH: an <see cref="LruHashMap"/> with one value per processor slot, like <see cref="PerCpuHashMap"/>.</summary>
public sealed class LruPerCpuHashMap : HashMap
{
    internal LruPerCpuHashMap(MapSpec spec, int processorCount) : base(spec, processorCount, perCpu: true, lru: true) { }
}
