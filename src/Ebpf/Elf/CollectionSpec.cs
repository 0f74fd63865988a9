using Ebpf.Btf;
using Ebpf.Maps;

namespace Ebpf.Elf;

/// <summary>
/// Everything an ELF object describes, pure and deterministic (the same file gives the same spec on every machine):
/// programs, maps (their order is the index <c>lddw src=5/6</c> uses), initial map contents, BTF, license and
/// kernel version. Only a runtime or the kernel backend turns it into live objects.
/// </summary>
public sealed class CollectionSpec
{
    private readonly Dictionary<string, ProgramSpec> _programs;
    private readonly Dictionary<string, int> _mapIndexes;

    /// <summary>Creates a spec.</summary>
    public CollectionSpec(IReadOnlyList<ProgramSpec> programs, IReadOnlyList<MapSpec> maps, IReadOnlyList<MapInitialValue> mapInitialValues,
        BtfSpec? btf, string license, uint? kernelVersion)
    {
        Programs = programs;
        Maps = maps;
        MapInitialValues = mapInitialValues;
        Btf = btf;
        License = license;
        KernelVersion = kernelVersion;
        _programs = programs.ToDictionary(p => p.Name, StringComparer.Ordinal);
        _mapIndexes = maps.Select((map, index) => (map.Name, index)).ToDictionary(p => p.Name, p => p.index, StringComparer.Ordinal);
    }

    /// <summary>The programs, in section order and then by offset.</summary>
    public IReadOnlyList<ProgramSpec> Programs { get; }

    /// <summary>The maps; a map's position is the index that <c>lddw src=5</c> and <c>src=6</c> refer to.</summary>
    public IReadOnlyList<MapSpec> Maps { get; }

    /// <summary>What to write into maps after creating them.</summary>
    public IReadOnlyList<MapInitialValue> MapInitialValues { get; }

    /// <summary>The object's BTF, or null when it has none.</summary>
    public BtfSpec? Btf { get; }

    /// <summary>The license string, or "" when the object has no <c>license</c> section.</summary>
    public string License { get; }

    /// <summary>The kernel version of the <c>version</c> section, or null.</summary>
    public uint? KernelVersion { get; }

    /// <summary>The program with the given name.</summary>
    /// <exception cref="KeyNotFoundException">No such program; the message lists the programs.</exception>
    public ProgramSpec Program(string name) => _programs.TryGetValue(name, out var program) ? program
        : throw new KeyNotFoundException($"no program named '{name}'; the object has: {string.Join(", ", Programs.Select(p => p.Name))}");

    /// <summary>The program with the given name, or null.</summary>
    public ProgramSpec? FindProgram(string name) => _programs.GetValueOrDefault(name);

    /// <summary>The index of the named map in <see cref="Maps"/>, or -1.</summary>
    public int IndexOfMap(string name) => _mapIndexes.TryGetValue(name, out int index) ? index : -1;

    /// <summary>The map with the given name.</summary>
    /// <exception cref="KeyNotFoundException">No such map.</exception>
    public MapSpec Map(string name) => IndexOfMap(name) is >= 0 and var index ? Maps[index]
        : throw new KeyNotFoundException($"no map named '{name}'; the object has: {string.Join(", ", Maps.Select(m => m.Name))}");
}
