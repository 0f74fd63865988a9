namespace Ebpf.Capture;

/// <summary>Writes classic pcap files (version 2.4) that tcpdump and Wireshark read: one link type, either byte order, micro- or nanosecond timestamps.</summary>
public sealed class PcapWriter : ICaptureWriter
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly CaptureBytes _bytes;
    private readonly byte[] _header = new byte[PcapReader.RecordHeaderSize];

    /// <summary>Writes the file header to <paramref name="stream"/>.</summary>
    public PcapWriter(Stream stream, LinkType linkType, TimestampResolution resolution = TimestampResolution.Microseconds,
        uint snapshotLength = PcapReader.MaximumRecordLength, bool bigEndian = false, bool leaveOpen = false)
    {
        _output = stream ?? throw new ArgumentNullException(nameof(stream));
        _leaveOpen = leaveOpen;
        _bytes = new CaptureBytes(bigEndian);
        LinkType = linkType;
        Resolution = resolution;
        SnapshotLength = snapshotLength;
        Span<byte> header = stackalloc byte[PcapReader.FileHeaderSize];
        header.Clear();
        _bytes.UInt32(header, resolution == TimestampResolution.Nanoseconds ? PcapReader.NanosecondMagic : PcapReader.MicrosecondMagic);
        _bytes.UInt16(header[4..], 2);
        _bytes.UInt16(header[6..], 4);
        _bytes.UInt32(header[16..], snapshotLength);
        _bytes.UInt32(header[20..], (uint)linkType);
        _output.Write(header);
    }

    /// <summary>The link type of every record.</summary>
    public LinkType LinkType { get; }

    /// <summary>The timestamp resolution.</summary>
    public TimestampResolution Resolution { get; }

    /// <summary>The snapshot length in the header; longer packets are cut to it.</summary>
    public uint SnapshotLength { get; }

    /// <inheritdoc />
    public void Write(in CapturedPacket packet)
    {
        if (packet.LinkType != LinkType)
            throw new ArgumentException($"a pcap file holds one link type ({LinkType}); this packet is {packet.LinkType}", nameof(packet));
        int captured = (int)Math.Min((uint)packet.Data.Length, SnapshotLength);
        long seconds = Math.DivRem(packet.TimestampNanoseconds, 1_000_000_000L, out long nanoseconds);
        _bytes.UInt32(_header, (uint)seconds);
        _bytes.UInt32(_header.AsSpan(4), (uint)(Resolution == TimestampResolution.Nanoseconds ? nanoseconds : nanoseconds / 1000));
        _bytes.UInt32(_header.AsSpan(8), (uint)captured);
        _bytes.UInt32(_header.AsSpan(12), (uint)Math.Max(packet.OriginalLength, captured));
        _output.Write(_header);
        _output.Write(packet.Data, 0, captured);
    }

    /// <inheritdoc />
    public void Flush() => _output.Flush();

    /// <summary>Flushes and, unless told to leave it open, closes the stream.</summary>
    public void Dispose()
    {
        _output.Flush();
        if (!_leaveOpen) _output.Dispose();
    }
}
