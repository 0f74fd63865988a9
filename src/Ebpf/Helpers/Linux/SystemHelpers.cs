using System.Diagnostics;

namespace Ebpf.Helpers.Linux;

/// <summary>Time, randomness and processor helpers with their Linux ids.</summary>
public static class SystemHelpers
{
    /// <summary><c>u64 bpf_ktime_get_ns(void)</c>, id 5: monotonic time in nanoseconds.</summary>
    public static readonly HelperDescriptor KtimeGetNs = new(5, "ktime_get_ns", (_, _, _, _, _, _) => MonotonicNanoseconds());

    /// <summary><c>u32 bpf_get_prandom_u32(void)</c>, id 7: a pseudo-random number.</summary>
    public static readonly HelperDescriptor GetPrandomU32 = new(7, "get_prandom_u32", (_, _, _, _, _, _) => (uint)Random.Shared.Next() ^ (uint)Random.Shared.Next() << 16);

    /// <summary><c>u32 bpf_get_smp_processor_id(void)</c>, id 8: the processor slot of the run.</summary>
    public static readonly HelperDescriptor GetSmpProcessorId = new(8, "get_smp_processor_id", (_, _, _, _, _, context) => (uint)context.ProcessorSlot);

    /// <summary><c>u64 bpf_ktime_get_boot_ns(void)</c>, id 125: time since boot in nanoseconds (this host's monotonic clock).</summary>
    public static readonly HelperDescriptor KtimeGetBootNs = new(125, "ktime_get_boot_ns", (_, _, _, _, _, _) => MonotonicNanoseconds());

    /// <summary>
    /// <c>long bpf_get_numa_node_id(void)</c>, id 42: the NUMA node of the processor. The runtime's processor slots
    /// form one node, so it is 0, as on a single-node machine.
    /// </summary>
    public static readonly HelperDescriptor GetNumaNodeId = new(42, "get_numa_node_id", (_, _, _, _, _, _) => 0);

    /// <summary>Every helper of this group.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [KtimeGetNs, GetPrandomU32, GetSmpProcessorId, KtimeGetBootNs, GetNumaNodeId];

    private static ulong MonotonicNanoseconds()
    {
        Int128 ticks = Stopwatch.GetTimestamp();
        return (ulong)(ticks * 1_000_000_000 / Stopwatch.Frequency);
    }
}
