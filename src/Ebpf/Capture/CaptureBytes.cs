using System.Buffers.Binary;

namespace Ebpf.Capture;

/// <summary>Writes integers in a chosen byte order into a buffer (the writers' side of <see cref="CaptureStream"/>).</summary>
internal readonly struct CaptureBytes(bool bigEndian)
{
    public void UInt16(Span<byte> to, ushort value)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(to, value);
        else BinaryPrimitives.WriteUInt16LittleEndian(to, value);
    }

    public void UInt32(Span<byte> to, uint value)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(to, value);
        else BinaryPrimitives.WriteUInt32LittleEndian(to, value);
    }

    public void UInt64(Span<byte> to, ulong value)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(to, value);
        else BinaryPrimitives.WriteUInt64LittleEndian(to, value);
    }
}
