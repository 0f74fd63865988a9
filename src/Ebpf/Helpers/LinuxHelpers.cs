using System.Diagnostics;

namespace Ebpf.Helpers;

/// <summary>
/// Linux helper functions with their kernel ids and contracts. The foundation carries the time helper that the
/// conformance suite calls; the object-loader work adds the rest (maps, packets, ring buffers, …).
/// </summary>
public static class LinuxHelpers
{
    /// <summary><c>u64 bpf_ktime_get_ns(void)</c>, id 5: monotonic time in nanoseconds.</summary>
    public static readonly HelperDescriptor KtimeGetNs = new(5, "ktime_get_ns",
        (_, _, _, _, _, _) => MonotonicNanoseconds());

    /// <summary>Every Linux helper this library implements.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [KtimeGetNs];

    private static ulong MonotonicNanoseconds()
    {
        Int128 ticks = Stopwatch.GetTimestamp();
        return (ulong)(ticks * 1_000_000_000 / Stopwatch.Frequency);
    }
}
