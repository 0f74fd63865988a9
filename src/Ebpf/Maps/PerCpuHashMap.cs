namespace Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_PERCPU_HASH: a hash map with one value per processor slot. Programs see the value of their run's slot
/// (<see cref="Runtime.RunContext.ProcessorSlot"/>); the host reads and writes every slot's value, each rounded up to 8
/// bytes, concatenated. A program's update of a new key zeroes the other slots.
/// </summary>
public sealed class PerCpuHashMap : HashMap
{
    internal PerCpuHashMap(MapSpec spec, int processorCount) : base(spec, processorCount, perCpu: true, lru: false) { }
}
