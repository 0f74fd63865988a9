namespace Ebpf.Capture;

/// <summary>The container format of a capture file.</summary>
public enum CaptureFormat
{
    /// <summary>The classic libpcap format: one global header, then records (micro- or nanosecond timestamps).</summary>
    Pcap,

    /// <summary>pcapng: sections of blocks, several interfaces, options.</summary>
    PcapNg,
}

/// <summary>The timestamp resolution of a classic pcap file.</summary>
public enum TimestampResolution
{
    /// <summary>Magic 0xa1b2c3d4: the second field counts microseconds.</summary>
    Microseconds,

    /// <summary>Magic 0xa1b23c4d: the second field counts nanoseconds.</summary>
    Nanoseconds,
}
