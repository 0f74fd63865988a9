using System.Buffers.Binary;

namespace Ebpf.Capture;

/// <summary>
/// Reads pcapng files: sections in either byte order (a new Section Header Block may change it), any number of
/// interfaces with their own link types and timestamp resolutions (<c>if_tsresol</c>, <c>if_tsoffset</c>), and the
/// packet blocks EPB, SPB and the obsolete Packet Block; other blocks are skipped. Damage raises
/// <see cref="CaptureFormatException"/> naming the block's offset after every packet before it was delivered.
/// </summary>
public sealed class PcapNgReader : ICaptureReader
{
    /// <summary>Section Header Block type (the same in both byte orders).</summary>
    public const uint SectionHeaderType = 0x0A0D0D0A;

    /// <summary>Interface Description Block type.</summary>
    public const uint InterfaceDescriptionType = 1;

    /// <summary>Packet Block type (obsolete, still read).</summary>
    public const uint PacketType = 2;

    /// <summary>Simple Packet Block type.</summary>
    public const uint SimplePacketType = 3;

    /// <summary>Enhanced Packet Block type.</summary>
    public const uint EnhancedPacketType = 6;

    /// <summary>The byte-order magic of a Section Header Block.</summary>
    public const uint ByteOrderMagic = 0x1A2B3C4D;

    /// <summary>The largest block the reader accepts (a corrupt length beyond this would make it read garbage for long).</summary>
    public const int MaximumBlockLength = 16 * 1024 * 1024;

    private readonly CaptureStream _input;
    private readonly List<CaptureInterface> _interfaces = [];
    private readonly byte[] _blockHeader = new byte[8];
    private long _records;
    private long _blocks;

    /// <summary>Reads the first Section Header Block of <paramref name="stream"/>.</summary>
    /// <exception cref="CaptureFormatException">The file does not start with a valid Section Header Block.</exception>
    public PcapNgReader(Stream stream, string source = "capture", bool leaveOpen = false)
        : this(new CaptureStream(stream ?? throw new ArgumentNullException(nameof(stream)), leaveOpen, source))
    {
    }

    internal PcapNgReader(CaptureStream input)
    {
        _input = input;
        int read = input.Read(_blockHeader);
        if (read < 8) throw Error(0, $"the file ends after {read} bytes, inside the first block header");
        if (BinaryPrimitives.ReadUInt32LittleEndian(_blockHeader) != SectionHeaderType)
            throw Error(0, "a pcapng file starts with a Section Header Block (type 0x0a0d0d0a)");
        ReadSectionHeader(0);
        _blocks = 1;
    }

    /// <inheritdoc />
    public CaptureFormat Format => CaptureFormat.PcapNg;

    /// <summary>The current section stores its integers big-endian.</summary>
    public bool BigEndian => _input.BigEndian;

    /// <summary>The interfaces of the current section, in the order their blocks came (the index is the interface id).</summary>
    public IReadOnlyList<CaptureInterface> Interfaces => _interfaces;

    /// <summary>The <c>shb_userappl</c> option of the current section (the application that wrote it), if any.</summary>
    public string? Application { get; private set; }

    /// <inheritdoc />
    public long Position => _input.Position;

    /// <inheritdoc />
    public bool TryRead(out CapturedPacket packet)
    {
        while (true)
        {
            long offset = _input.Position;
            int read = _input.Read(_blockHeader);
            if (read == 0)
            {
                packet = default;
                return false;
            }
            _blocks++;
            if (read < 8) throw Error(offset, $"the file ends {read} bytes into a block header");
            uint type = _input.UInt32(_blockHeader);
            if (type == SectionHeaderType)
            {
                ReadSectionHeader(offset);
                continue;
            }
            byte[] body = ReadBody(offset, type);
            switch (type)
            {
                case InterfaceDescriptionType:
                    ReadInterface(offset, body);
                    break;
                case EnhancedPacketType:
                    packet = ReadEnhancedPacket(offset, body);
                    return true;
                case SimplePacketType:
                    packet = ReadSimplePacket(offset, body);
                    return true;
                case PacketType:
                    packet = ReadObsoletePacket(offset, body);
                    return true;
            }
        }
    }

    /// <summary>Reads the rest of a block (after type and length): its body, checking the trailing length.</summary>
    private byte[] ReadBody(long offset, uint type)
    {
        uint length = _input.UInt32(_blockHeader.AsSpan(4));
        if (length < 12 || length % 4 != 0 || length > MaximumBlockLength)
            throw Error(offset, $"block of type 0x{type:x} has total length {length}; a block length is a multiple of 4 between 12 and {MaximumBlockLength}");
        var rest = new byte[length - 8];
        int got = _input.Read(rest);
        if (got < rest.Length)
            throw Error(offset, $"block of type 0x{type:x} announces {length} bytes but the file ends after {8 + got}");
        uint trailing = _input.UInt32(rest.AsSpan(rest.Length - 4));
        if (trailing != length)
            throw Error(offset, $"block of type 0x{type:x} starts with total length {length} but ends with {trailing}");
        return rest[..^4];
    }

    private void ReadSectionHeader(long offset)
    {
        Span<byte> magic = stackalloc byte[4];
        if (_input.Read(magic) < 4) throw Error(offset, "the file ends inside a Section Header Block");
        uint littleEndian = BinaryPrimitives.ReadUInt32LittleEndian(magic);
        _input.BigEndian = littleEndian switch
        {
            ByteOrderMagic => false,
            0x4D3C2B1A => true,
            _ => throw Error(offset, $"byte-order magic 0x{littleEndian:x8} is neither 0x1a2b3c4d nor its byte swap"),
        };
        uint length = _input.UInt32(_blockHeader.AsSpan(4));
        if (length < 28 || length % 4 != 0 || length > MaximumBlockLength)
            throw Error(offset, $"Section Header Block has total length {length}; it is a multiple of 4 between 28 and {MaximumBlockLength}");
        var rest = new byte[length - 12];
        int got = _input.Read(rest);
        if (got < rest.Length) throw Error(offset, $"Section Header Block announces {length} bytes but the file ends after {12 + got}");
        if (_input.UInt32(rest.AsSpan(rest.Length - 4)) != length)
            throw Error(offset, $"Section Header Block starts with total length {length} but ends with {_input.UInt32(rest.AsSpan(rest.Length - 4))}");
        ushort major = _input.UInt16(rest);
        if (major != 1) throw Error(offset, $"section version {major}.{_input.UInt16(rest.AsSpan(2))} is not 1.x, the only pcapng version readers know");
        _interfaces.Clear();
        Application = null;
        foreach (var (code, value) in Options(offset, rest.AsSpan(12, rest.Length - 16).ToArray()))
            if (code == 4) Application = System.Text.Encoding.UTF8.GetString(value).TrimEnd('\0');
    }

    private void ReadInterface(long offset, byte[] body)
    {
        if (body.Length < 8) throw Error(offset, $"Interface Description Block has {body.Length} body bytes; it needs at least 8");
        var linkType = (LinkType)_input.UInt16(body);
        uint snapshot = _input.UInt32(body.AsSpan(4));
        long unitsPerSecond = 1_000_000;
        bool powerOfTwo = false;
        int exponent = 6;
        long timestampOffset = 0;
        string? name = null;
        foreach (var (code, value) in Options(offset, body[8..]))
        {
            switch (code)
            {
                case 2:
                    name = System.Text.Encoding.UTF8.GetString(value).TrimEnd('\0');
                    break;
                case 9 when value.Length >= 1:
                    powerOfTwo = (value[0] & 0x80) != 0;
                    exponent = value[0] & 0x7f;
                    if (powerOfTwo ? exponent > 62 : exponent > 18)
                        throw Error(offset, $"if_tsresol 0x{value[0]:x2} gives a resolution finer than this reader supports (10^-18 or 2^-62 seconds)");
                    unitsPerSecond = powerOfTwo ? 1L << exponent : (long)Math.Pow(10, exponent);
                    break;
                case 14 when value.Length >= 8:
                    timestampOffset = (long)_input.UInt64(value);
                    break;
            }
        }
        _interfaces.Add(new CaptureInterface(_interfaces.Count, linkType, snapshot, unitsPerSecond, timestampOffset, name));
    }

    private CapturedPacket ReadEnhancedPacket(long offset, byte[] body)
    {
        if (body.Length < 20) throw Error(offset, $"Enhanced Packet Block has {body.Length} body bytes; it needs at least 20");
        var face = Interface(offset, _input.UInt32(body));
        ulong units = ((ulong)_input.UInt32(body.AsSpan(4)) << 32) | _input.UInt32(body.AsSpan(8));
        uint captured = _input.UInt32(body.AsSpan(12));
        uint original = _input.UInt32(body.AsSpan(16));
        if (captured > body.Length - 20)
            throw Error(offset, $"Enhanced Packet Block announces {captured} captured bytes but holds only {body.Length - 20}");
        return Packet(face, units, body.AsSpan(20, (int)captured).ToArray(), original);
    }

    private CapturedPacket ReadSimplePacket(long offset, byte[] body)
    {
        if (body.Length < 4) throw Error(offset, $"Simple Packet Block has {body.Length} body bytes; it needs at least 4");
        var face = Interface(offset, 0);
        uint original = _input.UInt32(body);
        // The captured length is not stored: the smaller of the original length and the snapshot length.
        long captured = Math.Min(original, face.SnapshotLength == 0 ? uint.MaxValue : face.SnapshotLength);
        if (captured > body.Length - 4)
            throw Error(offset, $"Simple Packet Block's packet of {original} bytes (snapshot length {face.SnapshotLength}) needs {captured} bytes but the block holds {body.Length - 4}");
        return Packet(face, null, body.AsSpan(4, (int)captured).ToArray(), original);
    }

    private CapturedPacket ReadObsoletePacket(long offset, byte[] body)
    {
        if (body.Length < 20) throw Error(offset, $"Packet Block has {body.Length} body bytes; it needs at least 20");
        var face = Interface(offset, _input.UInt16(body));
        ulong units = ((ulong)_input.UInt32(body.AsSpan(4)) << 32) | _input.UInt32(body.AsSpan(8));
        uint captured = _input.UInt32(body.AsSpan(12));
        uint original = _input.UInt32(body.AsSpan(16));
        if (captured > body.Length - 20)
            throw Error(offset, $"Packet Block announces {captured} captured bytes but holds only {body.Length - 20}");
        return Packet(face, units, body.AsSpan(20, (int)captured).ToArray(), original);
    }

    private CapturedPacket Packet(CaptureInterface face, ulong? units, byte[] data, uint original)
    {
        _records++;
        long nanoseconds = units is { } u ? face.ToNanoseconds(u) : 0;
        return new CapturedPacket(nanoseconds, face.LinkType, data, (int)Math.Min(original, int.MaxValue), face.Id, _records);
    }

    private CaptureInterface Interface(long offset, uint id)
    {
        if (id >= _interfaces.Count)
            throw Error(offset, $"packet block names interface {id} but the section has described {_interfaces.Count} interface(s)");
        return _interfaces[(int)id];
    }

    /// <summary>The options after a block's fixed fields: (code, value) until opt_endofopt or the end.</summary>
    private List<(ushort Code, byte[] Value)> Options(long offset, byte[] options)
    {
        var list = new List<(ushort, byte[])>();
        int at = 0;
        while (at + 4 <= options.Length)
        {
            ushort code = _input.UInt16(options.AsSpan(at));
            ushort length = _input.UInt16(options.AsSpan(at + 2));
            if (code == 0) break;
            if (at + 4 + length > options.Length)
                throw Error(offset, $"option {code} at byte {at} of the options announces {length} bytes but only {options.Length - at - 4} remain in the block");
            list.Add((code, options.AsSpan(at + 4, length).ToArray()));
            at += 4 + ((length + 3) & ~3);
        }
        return list;
    }

    private CaptureFormatException Error(long offset, string reason) =>
        new(_input.Source, offset, $"block {Math.Max(_blocks, 1)}", _records, reason);

    /// <inheritdoc />
    public void Dispose() => _input.Dispose();
}

/// <summary>A pcapng interface: its link type, snapshot length and timestamp units.</summary>
/// <param name="Id">Its index in the section.</param>
/// <param name="LinkType">The link-layer type of its packets.</param>
/// <param name="SnapshotLength">The most bytes kept of a packet (0: no limit).</param>
/// <param name="UnitsPerSecond">Timestamp units per second (<c>if_tsresol</c>; 10^6 by default).</param>
/// <param name="OffsetSeconds">Seconds added to every timestamp (<c>if_tsoffset</c>).</param>
/// <param name="Name">The <c>if_name</c> option, if any.</param>
public sealed record CaptureInterface(int Id, LinkType LinkType, uint SnapshotLength, long UnitsPerSecond, long OffsetSeconds, string? Name)
{
    /// <summary>A timestamp in this interface's units, in nanoseconds since the epoch.</summary>
    public long ToNanoseconds(ulong units)
    {
        ulong seconds = units / (ulong)UnitsPerSecond;
        ulong remainder = units % (ulong)UnitsPerSecond;
        long fraction = (long)((UInt128)remainder * 1_000_000_000UL / (ulong)UnitsPerSecond);
        return (long)(seconds + (ulong)OffsetSeconds) * 1_000_000_000L + fraction;
    }
}
