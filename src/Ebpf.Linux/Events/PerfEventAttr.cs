using System.Runtime.InteropServices;

namespace Ebpf.Linux.Events;

/// <summary>
/// <c>struct perf_event_attr</c> of linux/perf_event.h up to <c>PERF_ATTR_SIZE_VER5</c> (112 bytes; every kernel since
/// 4.1 accepts it): the fields a tracepoint hook and a BPF output event need.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 112)]
internal struct PerfEventAttr
{
    /// <summary>The size the kernel reads.</summary>
    public const int Version5Size = 112;

    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Size;
    [FieldOffset(8)] public ulong Config;
    /// <summary><c>sample_period</c> (a union with <c>sample_freq</c>).</summary>
    [FieldOffset(16)] public ulong SamplePeriod;
    [FieldOffset(24)] public ulong SampleType;
    [FieldOffset(32)] public ulong ReadFormat;
    /// <summary>The bit fields (<c>disabled</c> is bit 0, <c>watermark</c> bit 14).</summary>
    [FieldOffset(40)] public ulong Flags;
    /// <summary><c>wakeup_events</c> (a union with <c>wakeup_watermark</c>).</summary>
    [FieldOffset(48)] public uint WakeupEvents;
}

/// <summary>The constants of linux/perf_event.h used here.</summary>
internal static class PerfEventConstants
{
    public const uint TypeSoftware = 1, TypeTracepoint = 2;
    public const ulong CountSoftwareBpfOutput = 10;
    public const ulong SampleRaw = 1 << 10;
    public const uint RecordLost = 2, RecordSample = 9;
    /// <summary>PERF_EVENT_IOC_ENABLE, _DISABLE and _SET_BPF (<c>_IOW('$', 8, __u32)</c>).</summary>
    public const ulong IoctlEnable = 0x2400, IoctlDisable = 0x2401, IoctlSetBpf = 0x40042408;
    /// <summary>Offsets in <c>struct perf_event_mmap_page</c>: data_head, data_tail, data_offset, data_size.</summary>
    public const int DataHeadOffset = 1024, DataTailOffset = 1032, DataOffsetOffset = 1040, DataSizeOffset = 1048;
}
