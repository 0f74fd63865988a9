using System.Buffers.Binary;
using Ebpf.Maps;

namespace Ebpf.Elf;

/// <summary>
/// Reads the legacy <c>maps</c> section: one <c>struct bpf_map_def</c> (type, key_size, value_size, max_entries,
/// map_flags) per symbol. Loaders accepted larger definitions; their extra fields must be zero here.
/// </summary>
internal static class LegacyMapDefinitions
{
    /// <summary>The size of libbpf's <c>struct bpf_map_def</c>.</summary>
    public const int MinimumDefinitionSize = 20;

    /// <summary>The maps of the section with the offset of each definition.</summary>
    public static IReadOnlyList<(MapSpec Map, ulong Offset)> Read(ElfFile elf, ElfSection section)
    {
        var symbols = elf.Symbols
            .Where(s => s.SectionIndex == section.Index && s.Name.Length > 0 && s.Type is ElfSymbol.Object or ElfSymbol.NoType)
            .OrderBy(s => s.Value).ToList();
        var data = section.Data.Span;
        if (symbols.Count == 0) return [];
        if (data.Length % symbols.Count != 0)
            throw new ElfFormatException($"legacy map section '{section.Name}' is {data.Length} bytes, not a multiple of its {symbols.Count} map symbols");
        int size = data.Length / symbols.Count;
        if (size < MinimumDefinitionSize)
            throw new ElfFormatException($"legacy map section '{section.Name}': each of its {symbols.Count} definitions would be {size} bytes, less than the {MinimumDefinitionSize} of struct bpf_map_def");
        var maps = new List<(MapSpec, ulong)>(symbols.Count);
        foreach (var symbol in symbols)
        {
            if (symbol.Value % (ulong)size != 0 || symbol.Value + (ulong)size > (ulong)data.Length)
                throw new ElfFormatException($"legacy map '{symbol.Name}' at offset {symbol.Value} of section '{section.Name}' is not at a {size}-byte definition boundary");
            var definition = data.Slice((int)symbol.Value, size);
            if (definition[MinimumDefinitionSize..].IndexOfAnyExcept((byte)0) >= 0)
                throw new ElfFormatException($"legacy map '{symbol.Name}': its {size}-byte definition has non-zero fields after the first {MinimumDefinitionSize} bytes, which this loader does not know");
            maps.Add((new MapSpec(symbol.Name, (MapType)Field(definition, 0), Field(definition, 1), Field(definition, 2), Field(definition, 3),
                (MapCreationFlags)Field(definition, 4)), symbol.Value));
        }
        return maps;
    }

    private static uint Field(ReadOnlySpan<byte> definition, int index) => BinaryPrimitives.ReadUInt32LittleEndian(definition[(index * 4)..]);
}
