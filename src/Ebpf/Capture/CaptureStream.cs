using System.Buffers.Binary;

namespace Ebpf.Capture;

/// <summary>A read position over a capture stream with the file's byte order: reads report how much they got, never throw on a short file.</summary>
internal sealed class CaptureStream : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    public CaptureStream(Stream stream, bool leaveOpen, string source)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        Source = source;
    }

    /// <summary>The file name (or a description of the stream) for error messages.</summary>
    public string Source { get; }

    /// <summary>Bytes consumed so far.</summary>
    public long Position { get; private set; }

    /// <summary>The file's multi-byte integers are big-endian.</summary>
    public bool BigEndian { get; set; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes; returns how many the file still had.</summary>
    public int Read(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = _stream.Read(buffer[total..]);
            if (read == 0) break;
            total += read;
        }
        Position += total;
        return total;
    }

    public ushort UInt16(ReadOnlySpan<byte> bytes) =>
        BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);

    public uint UInt32(ReadOnlySpan<byte> bytes) =>
        BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    public ulong UInt64(ReadOnlySpan<byte> bytes) =>
        BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);

    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }
}
