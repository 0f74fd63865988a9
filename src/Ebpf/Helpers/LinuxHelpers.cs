using Ebpf.Helpers.Linux;

namespace Ebpf.Helpers;

/// <summary>
/// The Linux helper functions implemented in user space, with their kernel ids and contracts. Each group lives in
/// <c>Helpers/Linux/</c>; this is the list a default <see cref="HelperTable"/> holds.
/// </summary>
public static class LinuxHelpers
{
    /// <summary><c>u64 bpf_ktime_get_ns(void)</c>, id 5: monotonic time in nanoseconds.</summary>
    public static HelperDescriptor KtimeGetNs => SystemHelpers.KtimeGetNs;

    /// <summary>Every Linux helper this library implements.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } =
        [.. MapHelpers.All, .. RingBufferHelpers.All, .. SystemHelpers.All, .. PacketHelpers.All, .. TailCallHelpers.All,
         .. CallbackHelpers.All,
         .. PrintHelpers.All, .. ProbeHelpers.All, .. StringHelpers.All, .. TaskHelpers.All, .. ClockHelpers.All,
         .. ChecksumHelpers.All, .. RedirectHelpers.All];
}
