using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Ebpf.Helpers.Linux;

/// <summary>The host's clocks as the kernel's time helpers read them (Linux: clock_gettime; elsewhere the nearest .NET clock).</summary>
internal static partial class HostClocks
{
    private const int ClockMonotonicCoarse = 6, ClockTai = 11;

    /// <summary>CLOCK_MONOTONIC in nanoseconds.</summary>
    public static ulong Monotonic()
    {
        Int128 ticks = Stopwatch.GetTimestamp();
        return (ulong)(ticks * 1_000_000_000 / Stopwatch.Frequency);
    }

    /// <summary>CLOCK_MONOTONIC_COARSE: the monotonic clock at tick resolution.</summary>
    public static ulong MonotonicCoarse() => OperatingSystem.IsLinux() && Read(ClockMonotonicCoarse) is { } ns ? ns : Monotonic();

    /// <summary>CLOCK_TAI: international atomic time (the realtime clock plus the kernel's TAI offset).</summary>
    public static ulong Tai() => OperatingSystem.IsLinux() && Read(ClockTai) is { } ns
        ? ns
        : (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

    private static bool s_unavailable;

    private static ulong? Read(int clock)
    {
        if (s_unavailable) return null;
        try
        {
            if (ClockGetTime(clock, out var time) != 0) return null;
            return (ulong)time.Seconds * 1_000_000_000 + (ulong)time.Nanoseconds;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;   // no C library under that name: use the .NET clocks
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);
}
