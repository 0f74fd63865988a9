namespace Ebpf.Capture;

/// <summary>One packet record of a capture file.</summary>
/// <param name="TimestampNanoseconds">When it was captured, in nanoseconds since the Unix epoch (UTC).</param>
/// <param name="LinkType">The link-layer header type of <paramref name="Data"/>.</param>
/// <param name="Data">The captured bytes (at most the snapshot length).</param>
/// <param name="OriginalLength">The length of the packet on the wire (at least <c>Data.Length</c> unless the file says otherwise).</param>
/// <param name="InterfaceId">The pcapng interface the packet arrived on (0 in pcap files).</param>
/// <param name="Record">The record's number in the file, counting packet records from 1.</param>
public readonly record struct CapturedPacket(long TimestampNanoseconds, LinkType LinkType, byte[] Data, int OriginalLength,
    int InterfaceId = 0, long Record = 0);
