using System.Text;

namespace Ebpf.Btf;

/// <summary>
/// The string section while types are read: each offset is decoded once and shared (kernel BTF names the same members
/// thousands of times), and an error message is only built for a bad offset.
/// </summary>
internal sealed class BtfNameTable(ReadOnlyMemory<byte> strings)
{
    private readonly Dictionary<uint, string> _decoded = [];

    /// <summary>The string at <paramref name="offset"/>; <paramref name="role"/>, <paramref name="index"/> (-1: none) and <paramref name="where"/> name it in an error.</summary>
    public string At(uint offset, string role, int index, string where)
    {
        if (_decoded.TryGetValue(offset, out var known)) return known;
        var span = strings.Span;
        int end = offset < (uint)span.Length ? span[(int)offset..].IndexOf((byte)0) : -1;
        string text = end < 0
            ? BtfBytes.String(span, offset, index < 0 ? $"{role} of {where}" : $"{role} {index} of {where}")
            : end == 0 ? "" : Encoding.UTF8.GetString(span.Slice((int)offset, end));
        _decoded[offset] = text;
        return text;
    }
}
