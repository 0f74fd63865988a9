using System.Buffers.Binary;
using System.Text;

namespace Ebpf.Btf;

/// <summary>Bounds-checked little-endian reads and string-table lookups shared by the BTF and BTF.ext readers.</summary>
internal static class BtfBytes
{
    /// <summary>The 32-bit value at <paramref name="offset"/>; <paramref name="what"/> names it in the error.</summary>
    public static uint U32(ReadOnlySpan<byte> data, long offset, string what)
    {
        if (offset < 0 || offset > data.Length - 4)
            throw new BtfFormatException($"{what} at byte {offset} extends past the end of the {data.Length}-byte data");
        return BinaryPrimitives.ReadUInt32LittleEndian(data[(int)offset..]);
    }

    /// <summary>The 16-bit value at <paramref name="offset"/>.</summary>
    public static ushort U16(ReadOnlySpan<byte> data, long offset, string what)
    {
        if (offset < 0 || offset > data.Length - 2)
            throw new BtfFormatException($"{what} at byte {offset} extends past the end of the {data.Length}-byte data");
        return BinaryPrimitives.ReadUInt16LittleEndian(data[(int)offset..]);
    }

    /// <summary>The sub-range [offset, offset + length) of <paramref name="data"/>, checked.</summary>
    public static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> data, long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset > data.Length || length > data.Length - offset)
            throw new BtfFormatException($"{what} (offset {offset}, length {length}) extends past the end of the {data.Length}-byte data");
        return data.Slice((int)offset, (int)length);
    }

    /// <summary>The NUL-terminated string at <paramref name="offset"/> of a string section.</summary>
    public static string String(ReadOnlySpan<byte> strings, uint offset, string what)
    {
        if (offset >= (uint)strings.Length)
            throw new BtfFormatException($"{what}: string offset {offset} is past the end of the {strings.Length}-byte string section");
        var rest = strings[(int)offset..];
        int end = rest.IndexOf((byte)0);
        if (end < 0) throw new BtfFormatException($"{what}: the string at offset {offset} is not NUL-terminated");
        return Encoding.UTF8.GetString(rest[..end]);
    }
}
