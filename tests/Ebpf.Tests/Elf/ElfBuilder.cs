using System.Buffers.Binary;
using System.Text;

namespace Ebpf.Tests.Elf;

/// <summary>Writes minimal ELF64 little-endian eBPF objects by hand, for shapes clang does not emit (RELA, odd symbols).</summary>
internal sealed class ElfBuilder
{
    private readonly List<(string Name, uint Type, ulong Flags, byte[] Data, uint Link, uint Info, ulong EntrySize)> _sections = [];
    private readonly List<(string Name, ulong Value, ulong Size, byte Info, ushort Section)> _symbols = [("", 0, 0, 0, 0)];

    /// <summary>Adds a section and returns its index (the string table, symbol table and relocations come after).</summary>
    public int Section(string name, uint type, ulong flags, byte[] data, uint link = 0, uint info = 0, ulong entrySize = 0)
    {
        _sections.Add((name, type, flags, data, link, info, entrySize));
        return _sections.Count;
    }

    /// <summary>Adds a symbol and returns its index.</summary>
    public int Symbol(string name, int section, ulong value, ulong size, byte type, byte binding)
    {
        _symbols.Add((name, value, size, (byte)(binding << 4 | type), (ushort)section));
        return _symbols.Count - 1;
    }

    /// <summary>The symbol table's section index once built: after the added sections and the string table.</summary>
    public int SymbolTableIndex => _sections.Count + 2;

    public byte[] Build()
    {
        var strings = new List<byte> { 0 };
        uint Add(string text)
        {
            uint offset = (uint)strings.Count;
            strings.AddRange(Encoding.UTF8.GetBytes(text));
            strings.Add(0);
            return offset;
        }
        var symbolTable = new byte[_symbols.Count * 24];
        for (int i = 0; i < _symbols.Count; i++)
        {
            var span = symbolTable.AsSpan(i * 24);
            BinaryPrimitives.WriteUInt32LittleEndian(span, _symbols[i].Name.Length == 0 ? 0 : Add(_symbols[i].Name));
            span[4] = _symbols[i].Info;
            BinaryPrimitives.WriteUInt16LittleEndian(span[6..], _symbols[i].Section);
            BinaryPrimitives.WriteUInt64LittleEndian(span[8..], _symbols[i].Value);
            BinaryPrimitives.WriteUInt64LittleEndian(span[16..], _symbols[i].Size);
        }
        var all = new List<(uint NameOffset, uint Type, ulong Flags, byte[] Data, uint Link, uint Info, ulong EntrySize)>();
        foreach (var s in _sections) all.Add((Add(s.Name), s.Type, s.Flags, s.Data, s.Link, s.Info, s.EntrySize));
        uint stringTableName = Add(".strtab"), symbolTableName = Add(".symtab");
        all.Add((stringTableName, 3, 0, [], 0, 0, 0));
        all.Add((symbolTableName, 2, 0, symbolTable, (uint)_sections.Count + 1, 1, 24));
        all[^2] = all[^2] with { Data = strings.ToArray() };

        var file = new List<byte>(new byte[64]);
        var offsets = new List<int>();
        foreach (var section in all)
        {
            while (file.Count % 8 != 0) file.Add(0);
            offsets.Add(file.Count);
            file.AddRange(section.Data);
        }
        while (file.Count % 8 != 0) file.Add(0);
        int headers = file.Count;
        file.AddRange(new byte[64 * (all.Count + 1)]);
        var bytes = file.ToArray();
        bytes[0] = 0x7f; bytes[1] = (byte)'E'; bytes[2] = (byte)'L'; bytes[3] = (byte)'F'; bytes[4] = 2; bytes[5] = 1; bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(16), 1);      // ET_REL
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 247);    // EM_BPF
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), (ulong)headers);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(58), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(60), (ushort)(all.Count + 1));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(62), (ushort)(all.Count - 1));   // the string table names sections too
        for (int i = 0; i < all.Count; i++)
        {
            var header = bytes.AsSpan(headers + (i + 1) * 64);
            BinaryPrimitives.WriteUInt32LittleEndian(header, all[i].NameOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], all[i].Type);
            BinaryPrimitives.WriteUInt64LittleEndian(header[8..], all[i].Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(header[24..], (ulong)offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(header[32..], (ulong)all[i].Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[40..], all[i].Link);
            BinaryPrimitives.WriteUInt32LittleEndian(header[44..], all[i].Info);
            BinaryPrimitives.WriteUInt64LittleEndian(header[56..], all[i].EntrySize);
        }
        return bytes;
    }

    /// <summary>One RELA entry: offset, symbol, type, addend.</summary>
    public static byte[] Rela(ulong offset, int symbol, uint type, long addend)
    {
        var entry = new byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(entry, offset);
        BinaryPrimitives.WriteUInt64LittleEndian(entry.AsSpan(8), (ulong)symbol << 32 | type);
        BinaryPrimitives.WriteInt64LittleEndian(entry.AsSpan(16), addend);
        return entry;
    }
}
