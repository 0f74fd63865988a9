using System.Buffers.Binary;

namespace Ebpf.Capture;

/// <summary>The Internet checksum (RFC 1071): the ones'-complement of the ones'-complement sum of 16-bit words.</summary>
internal static class InternetChecksum
{
    /// <summary>Adds <paramref name="bytes"/> to a running sum (an odd last byte is padded with zero).</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        for (; i + 1 < bytes.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(bytes[i..]);
        if (i < bytes.Length) sum += (uint)(bytes[i] << 8);
        return sum;
    }

    /// <summary>Folds a running sum into the 16-bit checksum.</summary>
    public static ushort Finish(uint sum)
    {
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }
}
