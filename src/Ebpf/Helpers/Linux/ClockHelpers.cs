namespace Ebpf.Helpers.Linux;

/// <summary>The kernel's clock helpers besides <c>bpf_ktime_get_ns</c>: jiffies, the coarse monotonic clock, TAI.</summary>
public static class ClockHelpers
{
    /// <summary>CONFIG_HZ of the common distribution kernels (Debian, Ubuntu, Fedora): jiffies per second.</summary>
    public const int Hz = 250;

    /// <summary>INITIAL_JIFFIES on 64-bit kernels: jiffies start 300 seconds before their 32-bit wrap, so wrap bugs show early.</summary>
    public const ulong InitialJiffies = (1UL << 32) - 300 * Hz;

    /// <summary><c>u64 bpf_jiffies64(void)</c>, id 118: ticks of <see cref="Hz"/> since the monotonic clock's start, from <see cref="InitialJiffies"/>.</summary>
    public static readonly HelperDescriptor Jiffies64 = new(118, "jiffies64", (_, _, _, _, _, _) =>
        InitialJiffies + HostClocks.Monotonic() / (1_000_000_000 / Hz));

    /// <summary><c>u64 bpf_ktime_get_coarse_ns(void)</c>, id 160: CLOCK_MONOTONIC_COARSE in nanoseconds.</summary>
    public static readonly HelperDescriptor KtimeGetCoarseNs = new(160, "ktime_get_coarse_ns", (_, _, _, _, _, _) => HostClocks.MonotonicCoarse());

    /// <summary><c>u64 bpf_ktime_get_tai_ns(void)</c>, id 208: CLOCK_TAI in nanoseconds.</summary>
    public static readonly HelperDescriptor KtimeGetTaiNs = new(208, "ktime_get_tai_ns", (_, _, _, _, _, _) => HostClocks.Tai());

    /// <summary>Every helper of this group.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [Jiffies64, KtimeGetCoarseNs, KtimeGetTaiNs];
}
