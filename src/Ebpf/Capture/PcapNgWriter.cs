using System.Text;

namespace Ebpf.Capture;

/// <summary>
/// Writes pcapng files that tcpdump and Wireshark read: one section (<c>shb_userappl</c> names the writer), the
/// interfaces given with <see cref="AddInterface"/> (nanosecond timestamps, <c>if_tsresol</c> 9), packets as Enhanced
/// Packet Blocks or Simple Packet Blocks, in either byte order.
/// </summary>
public sealed class PcapNgWriter : ICaptureWriter
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly CaptureBytes _bytes;
    private readonly List<CaptureInterface> _interfaces = [];

    /// <summary>Writes the Section Header Block to <paramref name="stream"/>.</summary>
    public PcapNgWriter(Stream stream, bool bigEndian = false, string application = "Ebpf.NET", bool leaveOpen = false)
    {
        _output = stream ?? throw new ArgumentNullException(nameof(stream));
        _leaveOpen = leaveOpen;
        _bytes = new CaptureBytes(bigEndian);
        var body = new byte[16];
        _bytes.UInt32(body, PcapNgReader.ByteOrderMagic);
        _bytes.UInt16(body.AsSpan(4), 1);
        _bytes.UInt16(body.AsSpan(6), 0);
        _bytes.UInt64(body.AsSpan(8), ulong.MaxValue); // section length unknown
        WriteBlock(PcapNgReader.SectionHeaderType, body, [(4, Encoding.UTF8.GetBytes(application))]);
    }

    /// <summary>The interfaces described so far.</summary>
    public IReadOnlyList<CaptureInterface> Interfaces => _interfaces;

    /// <summary>Describes an interface (an Interface Description Block); returns its id for <see cref="CapturedPacket.InterfaceId"/>.</summary>
    public int AddInterface(LinkType linkType, uint snapshotLength = PcapReader.MaximumRecordLength, string? name = null)
    {
        var body = new byte[8];
        _bytes.UInt16(body, (ushort)linkType);
        _bytes.UInt32(body.AsSpan(4), snapshotLength);
        var options = new List<(ushort, byte[])>();
        if (name is not null) options.Add((2, Encoding.UTF8.GetBytes(name)));
        options.Add((9, [9])); // if_tsresol: 10^-9 seconds
        WriteBlock(PcapNgReader.InterfaceDescriptionType, body, options);
        _interfaces.Add(new CaptureInterface(_interfaces.Count, linkType, snapshotLength, 1_000_000_000, 0, name));
        return _interfaces.Count - 1;
    }

    /// <summary>Writes <paramref name="packet"/> as an Enhanced Packet Block on its interface (one is added for its link type when the file has none yet).</summary>
    public void Write(in CapturedPacket packet)
    {
        if (_interfaces.Count == 0) AddInterface(packet.LinkType);
        var face = InterfaceFor(packet);
        int captured = CapturedLength(face, packet.Data.Length);
        var body = new byte[20 + ((captured + 3) & ~3)];
        _bytes.UInt32(body, (uint)face.Id);
        ulong units = (ulong)packet.TimestampNanoseconds;
        _bytes.UInt32(body.AsSpan(4), (uint)(units >> 32));
        _bytes.UInt32(body.AsSpan(8), (uint)units);
        _bytes.UInt32(body.AsSpan(12), (uint)captured);
        _bytes.UInt32(body.AsSpan(16), (uint)Math.Max(packet.OriginalLength, captured));
        packet.Data.AsSpan(0, captured).CopyTo(body.AsSpan(20));
        WriteBlock(PcapNgReader.EnhancedPacketType, body, []);
    }

    /// <summary>Writes <paramref name="packet"/> as a Simple Packet Block: no timestamp, interface 0, cut to its snapshot length.</summary>
    public void WriteSimple(in CapturedPacket packet)
    {
        if (_interfaces.Count == 0) AddInterface(packet.LinkType);
        var face = _interfaces[0];
        if (packet.LinkType != face.LinkType)
            throw new ArgumentException($"Simple Packet Blocks belong to interface 0 ({face.LinkType}); this packet is {packet.LinkType}", nameof(packet));
        int captured = CapturedLength(face, packet.Data.Length);
        // Readers derive the captured length as min(original, snapshot length), so the original length must cover the data.
        int original = Math.Max(packet.OriginalLength, packet.Data.Length);
        var body = new byte[4 + ((captured + 3) & ~3)];
        _bytes.UInt32(body, (uint)original);
        packet.Data.AsSpan(0, captured).CopyTo(body.AsSpan(4));
        WriteBlock(PcapNgReader.SimplePacketType, body, []);
    }

    private CaptureInterface InterfaceFor(in CapturedPacket packet)
    {
        if ((uint)packet.InterfaceId < (uint)_interfaces.Count && _interfaces[packet.InterfaceId].LinkType == packet.LinkType)
            return _interfaces[packet.InterfaceId];
        throw new ArgumentException($"packet names interface {packet.InterfaceId} with link type {packet.LinkType}, but the file's interfaces are: {string.Join(", ", _interfaces.Select(i => $"{i.Id} {i.LinkType}"))}", nameof(packet));
    }

    private static int CapturedLength(CaptureInterface face, int length) =>
        face.SnapshotLength == 0 ? length : (int)Math.Min((uint)length, face.SnapshotLength);

    private void WriteBlock(uint type, byte[] body, IReadOnlyList<(ushort Code, byte[] Value)> options)
    {
        int optionsLength = options.Count == 0 ? 0 : options.Sum(o => 4 + ((o.Value.Length + 3) & ~3)) + 4;
        int total = 12 + body.Length + optionsLength;
        var block = new byte[total];
        _bytes.UInt32(block, type);
        _bytes.UInt32(block.AsSpan(4), (uint)total);
        body.CopyTo(block.AsSpan(8));
        int at = 8 + body.Length;
        foreach (var (code, value) in options)
        {
            _bytes.UInt16(block.AsSpan(at), code);
            _bytes.UInt16(block.AsSpan(at + 2), (ushort)value.Length);
            value.CopyTo(block.AsSpan(at + 4));
            at += 4 + ((value.Length + 3) & ~3);
        }
        // opt_endofopt is the zeroed 4 bytes already there when there were options.
        _bytes.UInt32(block.AsSpan(total - 4), (uint)total);
        _output.Write(block);
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
