using System.Buffers.Binary;
using System.Text;

namespace Ebpf.Elf;

/// <summary>
/// A bounds-checked reader of little-endian ELF64 relocatable objects, as <c>clang -target bpf</c> emits them:
/// section headers, their bytes, the symbol table and REL/RELA relocations. Every offset is checked before it is read, so a truncated
/// or hostile file gives an <see cref="ElfFormatException"/>, never a crash.
/// </summary>
public sealed class ElfFile
{
    /// <summary>EM_BPF, the ELF machine number of eBPF.</summary>
    public const ushort MachineBpf = 247;

    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int SymbolSize = 24;

    private const int RelSize = 16;
    private const int RelaSize = 24;

    // Read on first use, so that callers who never look at relocations never fail on them.
    private readonly Lazy<Dictionary<int, IReadOnlyList<ElfRelocation>>> _relocations;

    private ElfFile(IReadOnlyList<ElfSection> sections, IReadOnlyList<ElfSymbol> symbols)
    {
        Sections = sections;
        Symbols = symbols;
        _relocations = new(() => ReadRelocations(sections, symbols));
    }

    /// <summary>Every section, by index (index 0 is the null section).</summary>
    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>Every symbol of the symbol table (index 0 is the null symbol), or none.</summary>
    public IReadOnlyList<ElfSymbol> Symbols { get; }

    /// <summary>Whether the bytes start with the ELF magic number.</summary>
    public static bool HasElfMagic(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 4 && bytes[0] == 0x7f && bytes[1] == (byte)'E' && bytes[2] == (byte)'L' && bytes[3] == (byte)'F';

    /// <summary>Reads an ELF64 little-endian eBPF object.</summary>
    /// <exception cref="ElfFormatException">The file is malformed; the message says where.</exception>
    public static ElfFile Read(ReadOnlyMemory<byte> file)
    {
        var bytes = file.Span;
        if (!HasElfMagic(bytes)) throw new ElfFormatException("the file does not start with the ELF magic number 7f 45 4c 46");
        if (bytes.Length < HeaderSize) throw new ElfFormatException($"the file is {bytes.Length} bytes, shorter than the 64-byte ELF64 header");
        if (bytes[4] != 2) throw new ElfFormatException($"ELF class {bytes[4]} is not ELF64 (2); eBPF objects are 64-bit");
        if (bytes[5] != 1) throw new ElfFormatException($"ELF data encoding {bytes[5]} is not little-endian (1); compile with -target bpfel or bpf on a little-endian host");
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(bytes[18..]);
        if (machine != MachineBpf) throw new ElfFormatException($"machine {machine} is not eBPF ({MachineBpf}); compile with clang -target bpf");

        ulong sectionTable = BinaryPrimitives.ReadUInt64LittleEndian(bytes[40..]);
        ushort entrySize = BinaryPrimitives.ReadUInt16LittleEndian(bytes[58..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(bytes[60..]);
        int namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(bytes[62..]);
        if (count == 0) throw new ElfFormatException("the file has no section headers");
        if (entrySize != SectionHeaderSize) throw new ElfFormatException($"section header size is {entrySize}, not {SectionHeaderSize}");
        CheckRange(bytes.Length, sectionTable, (ulong)count * SectionHeaderSize, "the section header table");
        if (namesIndex == 0) throw new ElfFormatException("the file has no section-name table (e_shstrndx is 0)");
        if (namesIndex >= count) throw new ElfFormatException($"section-name table index {namesIndex} is not below the section count {count}");

        var raw = new RawSection[count];
        for (int i = 0; i < count; i++)
        {
            var header = bytes.Slice((int)sectionTable + i * SectionHeaderSize, SectionHeaderSize);
            raw[i] = new RawSection(
                BinaryPrimitives.ReadUInt32LittleEndian(header),
                BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[24..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[32..]),
                BinaryPrimitives.ReadUInt32LittleEndian(header[40..]),
                BinaryPrimitives.ReadUInt32LittleEndian(header[44..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[56..]));
            if (raw[i].Type != 8 && i != 0) CheckRange(bytes.Length, raw[i].Offset, raw[i].Size, $"section {i}");
        }

        var nameTable = SectionBytes(file, raw[namesIndex]);
        var sections = new ElfSection[count];
        for (int i = 0; i < count; i++)
        {
            string name = i == 0 ? "" : ReadString(nameTable.Span, raw[i].NameOffset, $"the name of section {i}");
            sections[i] = new ElfSection(i, name, raw[i].Type, raw[i].Flags, raw[i].Link, raw[i].Info, raw[i].EntrySize,
                i == 0 ? ReadOnlyMemory<byte>.Empty : SectionBytes(file, raw[i]), i == 0 ? 0 : raw[i].Size);
        }
        return new ElfFile(sections, ReadSymbols(sections));
    }

    /// <summary>The section with the given name, or null.</summary>
    public ElfSection? FindSection(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>The function symbols defined in a section, ordered by offset.</summary>
    public IReadOnlyList<ElfSymbol> FunctionsIn(ElfSection section) =>
        Symbols.Where(s => s.IsFunction && s.SectionIndex == section.Index).OrderBy(s => s.Value).ToList();

    /// <summary>The relocations that apply to <paramref name="section"/> (from every REL or RELA section whose sh_info names it), in file order.</summary>
    /// <exception cref="ElfFormatException">A relocation section of the file is malformed.</exception>
    public IReadOnlyList<ElfRelocation> RelocationsFor(ElfSection section) =>
        _relocations.Value.TryGetValue(section.Index, out var found) ? found : [];

    private static Dictionary<int, IReadOnlyList<ElfRelocation>> ReadRelocations(IReadOnlyList<ElfSection> sections, IReadOnlyList<ElfSymbol> symbols)
    {
        var result = new Dictionary<int, IReadOnlyList<ElfRelocation>>();
        foreach (var section in sections)
        {
            if (section.Type is not (ElfSection.Rel or ElfSection.Rela)) continue;
            bool withAddend = section.Type == ElfSection.Rela;
            int entrySize = withAddend ? RelaSize : RelSize;
            if (section.Info == 0 || section.Info >= sections.Count)
                throw new ElfFormatException($"relocation section '{section.Name}' applies to section {section.Info}, which does not exist");
            var data = section.Data.Span;
            if (data.Length % entrySize != 0)
                throw new ElfFormatException($"relocation section '{section.Name}' is {data.Length} bytes, not a multiple of {entrySize}");
            var list = new List<ElfRelocation>(data.Length / entrySize);
            for (int offset = 0; offset < data.Length; offset += entrySize)
            {
                var entry = data.Slice(offset, entrySize);
                ulong info = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
                ulong symbolIndex = info >> 32;
                if (symbolIndex >= (ulong)symbols.Count)
                    throw new ElfFormatException($"relocation section '{section.Name}' entry {offset / entrySize} refers to symbol {symbolIndex}, but the symbol table has {symbols.Count}");
                list.Add(new ElfRelocation(BinaryPrimitives.ReadUInt64LittleEndian(entry), (uint)info, symbols[(int)symbolIndex], (int)symbolIndex,
                    withAddend ? BinaryPrimitives.ReadInt64LittleEndian(entry[16..]) : 0));
            }
            int target = (int)section.Info;
            result[target] = result.TryGetValue(target, out var existing) ? [.. existing, .. list] : list;
        }
        return result;
    }

    private static IReadOnlyList<ElfSymbol> ReadSymbols(ElfSection[] sections)
    {
        var table = sections.FirstOrDefault(s => s.Type == ElfSection.SymbolTable);
        if (table is null) return [];
        if (table.Link >= sections.Length) throw new ElfFormatException($"symbol table '{table.Name}' links to string table {table.Link}, which does not exist");
        var strings = sections[table.Link].Data.Span;
        var data = table.Data.Span;
        if (data.Length % SymbolSize != 0) throw new ElfFormatException($"symbol table '{table.Name}' is {data.Length} bytes, not a multiple of {SymbolSize}");
        var symbols = new ElfSymbol[data.Length / SymbolSize];
        for (int i = 0; i < symbols.Length; i++)
        {
            var entry = data.Slice(i * SymbolSize, SymbolSize);
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            byte info = entry[4];
            symbols[i] = new ElfSymbol(
                ReadString(strings, nameOffset, $"the name of symbol {i}"),
                BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]),
                (byte)(info & 0xf),
                (byte)(info >> 4),
                BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]));
        }
        return symbols;
    }

    private static ReadOnlyMemory<byte> SectionBytes(ReadOnlyMemory<byte> file, RawSection section) =>
        section.Type == 8 ? ReadOnlyMemory<byte>.Empty : file.Slice((int)section.Offset, (int)section.Size);

    private static void CheckRange(int fileLength, ulong offset, ulong size, string what)
    {
        if (offset > (ulong)fileLength || size > (ulong)fileLength - offset)
            throw new ElfFormatException($"{what} (offset {offset}, size {size}) extends past the end of the {fileLength}-byte file");
    }

    private static string ReadString(ReadOnlySpan<byte> table, uint offset, string what)
    {
        if (offset >= table.Length) throw new ElfFormatException($"{what} starts at string-table offset {offset}, past its end ({table.Length} bytes)");
        var rest = table[(int)offset..];
        int end = rest.IndexOf((byte)0);
        if (end < 0) throw new ElfFormatException($"{what} at string-table offset {offset} is not NUL-terminated");
        return Encoding.UTF8.GetString(rest[..end]);
    }

    private readonly record struct RawSection(uint NameOffset, uint Type, ulong Flags, ulong Offset, ulong Size, uint Link, uint Info, ulong EntrySize);
}
