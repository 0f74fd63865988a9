using System.Buffers.Binary;

namespace Ebpf.Capture;

/// <summary>Opens capture files whatever their format, and creates them by file name.</summary>
public static class CaptureFile
{
    /// <summary>Opens <paramref name="path"/> as pcap or pcapng, told apart by the first four bytes.</summary>
    /// <exception cref="CaptureFormatException">The file is neither, or its header is damaged.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ICaptureReader OpenRead(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return OpenRead(stream, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads a capture from <paramref name="stream"/> (which must be at its start), as pcap or pcapng.</summary>
    public static ICaptureReader OpenRead(Stream stream, string source, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long start = stream.CanSeek ? stream.Position : 0;
        var input = new CaptureStream(stream, leaveOpen, source);
        Span<byte> first = stackalloc byte[4];
        int read = input.Read(first);
        if (read < 4) throw new CaptureFormatException(source, 0, "file header", 0, $"the file ends after {read} bytes; a capture file starts with a 4-byte magic number");
        if (stream.CanSeek) stream.Position = start;
        var rewound = new CaptureStream(stream.CanSeek ? stream : new PrefixedStream(first.ToArray(), stream), leaveOpen, source);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(first);
        if (magic == PcapNgReader.SectionHeaderType) return new PcapNgReader(rewound);
        if (magic is PcapReader.MicrosecondMagic or PcapReader.NanosecondMagic or 0xd4c3b2a1 or 0x4d3cb2a1) return new PcapReader(rewound);
        throw new CaptureFormatException(source, 0, "file header", 0,
            $"magic number 0x{magic:x8} (little-endian) is neither pcap (a1b2c3d4, a1b23c4d) nor pcapng (0a0d0d0a); is this a capture file?");
    }

    /// <summary>The format a file name asks for: pcapng for <c>.pcapng</c>/<c>.ntar</c>, pcap otherwise.</summary>
    public static CaptureFormat FormatOf(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".pcapng" or ".ntar" ? CaptureFormat.PcapNg : CaptureFormat.Pcap;

    /// <summary>Creates <paramref name="path"/> as a capture of <paramref name="linkType"/> packets, in the format its extension names.</summary>
    public static ICaptureWriter Create(string path, LinkType linkType, TimestampResolution resolution = TimestampResolution.Microseconds)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        if (FormatOf(path) == CaptureFormat.Pcap) return new PcapWriter(stream, linkType, resolution);
        var writer = new PcapNgWriter(stream);
        writer.AddInterface(linkType);
        return writer;
    }

    /// <summary>Every packet of <paramref name="path"/> (throws at damage, after the packets before it).</summary>
    public static IEnumerable<CapturedPacket> ReadAll(string path)
    {
        using var reader = OpenRead(path);
        while (reader.TryRead(out var packet)) yield return packet;
    }

    /// <summary>A stream that gives back bytes already read from the start of another, then the rest of it.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int _at;

        public override int Read(Span<byte> buffer)
        {
            if (_at < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _at);
                prefix.AsSpan(_at, n).CopyTo(buffer);
                _at += n;
                return n;
            }
            return rest.Read(buffer);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => rest.Length;
        public override long Position { get => rest.Position - (prefix.Length - _at); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) rest.Dispose();
            base.Dispose(disposing);
        }
    }
}
