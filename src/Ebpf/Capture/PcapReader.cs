namespace Ebpf.Capture;

/// <summary>
/// Reads classic pcap files: either byte order, micro- or nanosecond timestamps. A truncated or malformed record
/// raises <see cref="CaptureFormatException"/> after every record before it was delivered.
/// </summary>
public sealed class PcapReader : ICaptureReader
{
    /// <summary>The magic number of microsecond files, as the writer's machine stored it.</summary>
    public const uint MicrosecondMagic = 0xa1b2c3d4;

    /// <summary>The magic number of nanosecond files.</summary>
    public const uint NanosecondMagic = 0xa1b23c4d;

    /// <summary>The size of the file header.</summary>
    public const int FileHeaderSize = 24;

    /// <summary>The size of a record header.</summary>
    public const int RecordHeaderSize = 16;

    /// <summary>The largest record the reader accepts whatever the snapshot length says (libpcap's limit for most link types).</summary>
    public const int MaximumRecordLength = 262144;

    private readonly CaptureStream _input;
    private readonly byte[] _header = new byte[RecordHeaderSize];
    private long _records;

    /// <summary>Reads the file header of <paramref name="stream"/>.</summary>
    /// <exception cref="CaptureFormatException">The header is truncated or is not a pcap header.</exception>
    public PcapReader(Stream stream, string source = "capture", bool leaveOpen = false)
        : this(new CaptureStream(stream ?? throw new ArgumentNullException(nameof(stream)), leaveOpen, source))
    {
    }

    internal PcapReader(CaptureStream input)
    {
        _input = input;
        Span<byte> header = stackalloc byte[FileHeaderSize];
        int read = input.Read(header);
        if (read < 4) throw Error(0, 0, $"the file ends after {read} bytes, inside the 4-byte magic number");
        input.BigEndian = false;
        uint magic = input.UInt32(header);
        if (magic is not (MicrosecondMagic or NanosecondMagic))
        {
            input.BigEndian = true;
            magic = input.UInt32(header);
        }
        Resolution = magic switch
        {
            MicrosecondMagic => TimestampResolution.Microseconds,
            NanosecondMagic => TimestampResolution.Nanoseconds,
            _ => throw Error(0, 0, $"magic number 0x{Convert.ToHexString(header[..4]).ToLowerInvariant()} is not a pcap magic (a1b2c3d4 or a1b23c4d in either byte order)"),
        };
        if (read < FileHeaderSize) throw Error(0, 0, $"the file ends after {read} bytes, inside the {FileHeaderSize}-byte file header");
        VersionMajor = input.UInt16(header[4..]);
        VersionMinor = input.UInt16(header[6..]);
        if (VersionMajor != 2) throw Error(4, 0, $"version {VersionMajor}.{VersionMinor} is not 2.x, the only pcap version there is");
        SnapshotLength = input.UInt32(header[16..]);
        // The upper bits of the link-type field hold the FCS length of some captures; the type is the low 16 bits.
        LinkType = (LinkType)(input.UInt32(header[20..]) & 0xffff);
        BigEndian = input.BigEndian;
    }

    /// <inheritdoc />
    public CaptureFormat Format => CaptureFormat.Pcap;

    /// <summary>The timestamp resolution the magic number announced.</summary>
    public TimestampResolution Resolution { get; }

    /// <summary>The file stores its integers big-endian.</summary>
    public bool BigEndian { get; }

    /// <summary>The major version (2).</summary>
    public ushort VersionMajor { get; }

    /// <summary>The minor version (4).</summary>
    public ushort VersionMinor { get; }

    /// <summary>The snapshot length: the most bytes of a packet the capture kept.</summary>
    public uint SnapshotLength { get; }

    /// <summary>The link-layer type of every record.</summary>
    public LinkType LinkType { get; }

    /// <inheritdoc />
    public long Position => _input.Position;

    /// <inheritdoc />
    public bool TryRead(out CapturedPacket packet)
    {
        packet = default;
        long offset = _input.Position;
        long record = _records + 1;
        int read = _input.Read(_header);
        if (read == 0) return false;
        if (read < RecordHeaderSize)
            throw Error(offset, record, $"the file ends {read} bytes into the {RecordHeaderSize}-byte record header");
        uint seconds = _input.UInt32(_header);
        uint fraction = _input.UInt32(_header.AsSpan(4));
        uint included = _input.UInt32(_header.AsSpan(8));
        uint original = _input.UInt32(_header.AsSpan(12));
        // A snapshot length beyond 16 MB is itself a sign of damage; then libpcap's usual maximum is the limit.
        uint limit = SnapshotLength is > MaximumRecordLength and <= 16 << 20 ? SnapshotLength : MaximumRecordLength;
        if (included > limit)
            throw Error(offset, record, $"the record announces {included} captured bytes, more than the snapshot length {SnapshotLength} and the {MaximumRecordLength}-byte limit; the file is corrupt from here");
        var data = new byte[included];
        int got = _input.Read(data);
        if (got < included)
            throw Error(offset, record, $"the record announces {included} bytes of packet data but the file ends after {got}");
        long nanoseconds = Resolution == TimestampResolution.Microseconds ? fraction * 1000L : fraction;
        _records = record;
        packet = new CapturedPacket(seconds * 1_000_000_000L + nanoseconds, LinkType, data, (int)Math.Min(original, int.MaxValue), 0, record);
        return true;
    }

    private CaptureFormatException Error(long offset, long record, string reason) =>
        new(_input.Source, offset, record == 0 ? "file header" : $"record {record}", Math.Max(0, record - 1), reason);

    /// <inheritdoc />
    public void Dispose() => _input.Dispose();
}
