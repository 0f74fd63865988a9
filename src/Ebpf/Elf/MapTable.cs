using Ebpf.Btf;
using Ebpf.Maps;

namespace Ebpf.Elf;

/// <summary>
/// The maps of an object in index order — legacy <c>maps</c> definitions, then BTF <c>.maps</c>, then one per global-data
/// section — and where each lives in the ELF file, so that relocations can be turned into map indexes.
/// </summary>
internal sealed class MapTable
{
    /// <summary>The legacy map section's name.</summary>
    public const string LegacySectionName = "maps";

    /// <summary>The BTF map section's name.</summary>
    public const string BtfSectionName = ".maps";

    private readonly Dictionary<(int Section, ulong Offset), int> _byLocation = [];
    private readonly Dictionary<int, int> _byDataSection = [];
    private readonly List<(BtfMapDefinition Definition, int Index)> _btfDefinitions = [];
    private readonly HashSet<int> _mapSections = [];
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private ElfSection? _btfSection;

    public List<MapSpec> Maps { get; } = [];

    public List<MapInitialValue> InitialValues { get; } = [];

    public static MapTable Build(ElfFile elf, BtfSpec? btf)
    {
        var table = new MapTable();
        foreach (var section in elf.Sections.Where(s => s.Name == LegacySectionName))
        {
            table._mapSections.Add(section.Index);
            foreach (var (map, offset) in LegacyMapDefinitions.Read(elf, section)) table.Add(map, section.Index, offset);
        }
        if (elf.FindSection(BtfSectionName) is { } maps)
        {
            if (btf is null) throw new ElfFormatException($"the object has a '{BtfSectionName}' section but no BTF to describe its maps; compile with -g");
            table._btfSection = maps;
            table._mapSections.Add(maps.Index);
            foreach (var definition in BtfMapDefinitions.Read(btf, BtfSectionName))
                table._btfDefinitions.Add((definition, table.Add(definition.Map, maps.Index, definition.Offset)));
        }
        foreach (var section in elf.Sections.Where(GlobalDataSections.IsGlobalData))
        {
            if (section.Size == 0) continue;
            var (map, value) = GlobalDataSections.Describe(section);
            int index = table.Add(map, section.Index, null);
            table._byDataSection[section.Index] = index;
            if (value is { } bytes) table.InitialValues.Add(new MapInitialBytes(map.Name, index, 0, bytes));
        }
        return table;
    }

    /// <summary>Whether the section holds map definitions (legacy or BTF).</summary>
    public bool IsMapSection(int sectionIndex) => _mapSections.Contains(sectionIndex);

    /// <summary>The index of the map defined at <paramref name="offset"/> of a map section, or -1.</summary>
    public int MapAt(int sectionIndex, ulong offset) => _byLocation.TryGetValue((sectionIndex, offset), out int index) ? index : -1;

    /// <summary>The index of the map of a global-data section, or -1.</summary>
    public int DataSectionMap(int sectionIndex) => _byDataSection.TryGetValue(sectionIndex, out int index) ? index : -1;

    /// <summary>
    /// Reads the initial contents of <c>.maps</c> <c>values</c> arrays from the relocations of the <c>.maps</c> section:
    /// each slot names a program (program arrays) or a map (maps of maps).
    /// </summary>
    public void AddInitialReferences(ElfFile elf, Func<ElfSymbol, string?> programNamed)
    {
        if (_btfSection is null) return;
        foreach (var relocation in elf.RelocationsFor(_btfSection))
        {
            string where = $"relocation at offset {relocation.Offset} of section '{BtfSectionName}' (symbol '{relocation.Symbol.Name}')";
            if (relocation.Type != ElfRelocation.Absolute64) throw new ElfFormatException($"{where} has type {relocation.Type}, not R_BPF_64_ABS64");
            var (definition, mapIndex) = _btfDefinitions.FirstOrDefault(d => relocation.Offset >= d.Definition.Offset && relocation.Offset - d.Definition.Offset < d.Definition.Size);
            if (definition is null) throw new ElfFormatException($"{where} lies in no map definition");
            ulong valuesStart = (ulong)definition.Offset + (definition.ValuesOffset ?? uint.MaxValue);
            if (definition.ValuesOffset is null || relocation.Offset < valuesStart || (relocation.Offset - valuesStart) % 8 != 0)
                throw new ElfFormatException($"{where} is not a slot of the 'values' array of map '{definition.Map.Name}'");
            uint key = (uint)((relocation.Offset - valuesStart) / 8);
            if (key >= definition.Map.MaxEntries)
                throw new ElfFormatException($"{where}: slot {key} of map '{definition.Map.Name}' is beyond its max_entries {definition.Map.MaxEntries}");
            var symbol = relocation.Symbol;
            if (definition.Map.Type == MapType.ProgramArray)
            {
                string program = programNamed(symbol) ?? throw new ElfFormatException($"{where}: '{symbol.Name}' is not a program of this object");
                InitialValues.Add(new MapInitialProgram(definition.Map.Name, mapIndex, key, program));
            }
            else if (definition.Map.Type is MapType.ArrayOfMaps or MapType.HashOfMaps)
            {
                int inner = MapAt(symbol.SectionIndex, symbol.Value);
                if (inner < 0) throw new ElfFormatException($"{where}: '{symbol.Name}' is not a map of this object");
                InitialValues.Add(new MapInitialMap(definition.Map.Name, mapIndex, key, Maps[inner].Name, inner));
            }
            else throw new ElfFormatException($"{where}: map '{definition.Map.Name}' of type {definition.Map.Type} cannot have initial values");
        }
    }

    private int Add(MapSpec map, int sectionIndex, ulong? offset)
    {
        if (!_byName.TryAdd(map.Name, Maps.Count)) throw new ElfFormatException($"two maps are named '{map.Name}'");
        if (offset is { } at && !_byLocation.TryAdd((sectionIndex, at), Maps.Count))
            throw new ElfFormatException($"maps '{Maps[_byLocation[(sectionIndex, at)]].Name}' and '{map.Name}' share offset {at}");
        Maps.Add(map);
        return Maps.Count - 1;
    }
}
