using System.Buffers.Binary;
using System.Text;

namespace Ebpf.Tests.Btf;

/// <summary>Builds small .BTF sections by hand: a string table and raw type records, to test every kind and every error.</summary>
internal sealed class BtfBlob
{
    private readonly List<byte> _types = [];
    private readonly List<byte> _strings = [0];

    /// <summary>Adds a string and returns its offset.</summary>
    public uint String(string text)
    {
        uint offset = (uint)_strings.Count;
        _strings.AddRange(Encoding.UTF8.GetBytes(text));
        _strings.Add(0);
        return offset;
    }

    /// <summary>Adds a type record: name, kind, vlen, kind flag, size/type, then extra 32-bit words.</summary>
    public BtfBlob Type(string name, int kind, int vlen, uint sizeOrType, bool kindFlag = false, params uint[] extra)
    {
        Word(name.Length == 0 ? 0 : String(name));
        Word((uint)kind << 24 | (uint)vlen | (kindFlag ? 0x8000_0000u : 0));
        Word(sizeOrType);
        foreach (uint word in extra) Word(word);
        return this;
    }

    /// <summary>Appends a raw 32-bit word to the type section.</summary>
    public BtfBlob Word(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _types.AddRange(bytes.ToArray());
        return this;
    }

    /// <summary>The whole section: 24-byte header, types, strings.</summary>
    public byte[] Build()
    {
        var header = new byte[24];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0xeB9F);
        header[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)_types.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), (uint)_types.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), (uint)_strings.Count);
        return [.. header, .. _types, .. _strings];
    }
}
