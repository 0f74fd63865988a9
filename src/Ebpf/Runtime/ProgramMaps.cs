using Ebpf.Isa;
using Ebpf.Maps;

namespace Ebpf.Runtime;

/// <summary>
/// The maps a prepared program refers to, by the index its <c>lddw</c> instructions carry (src 5 and 6, as an
/// object loader writes them): it turns those into the native addresses engines load, and answers whether an address
/// lies in the value memory of one of them (map values are regions of every run of the program).
/// </summary>
internal sealed class ProgramMaps
{
    public static readonly ProgramMaps None = new([]);

    private readonly Map[] _maps;
    private readonly (ulong Start, ulong Length, bool Writable)[] _regions;

    public ProgramMaps(IReadOnlyList<Map> maps)
    {
        _maps = [.. maps];
        _regions = _maps.SelectMany(m => m.ValueRegions).Select(r => (r.Start, r.Length, r.Writable)).ToArray();
        HasMapOfMaps = _maps.Any(m => m.Type is MapType.ArrayOfMaps or MapType.HashOfMaps);
        // Only maps that unlink elements (hashes, tries) need runs registered for deferred slot reuse.
        NeedsReclamation = _maps.Any(m => m.Type is MapType.Hash or MapType.PerCpuHash or MapType.LruHash
            or MapType.LruPerCpuHash or MapType.LpmTrie or MapType.HashOfMaps) || HasMapOfMaps;
    }

    public bool IsEmpty => _maps.Length == 0;

    public bool NeedsReclamation { get; }

    private bool HasMapOfMaps { get; }

    /// <summary>The 64-bit value of a <c>lddw</c> at <paramref name="pc"/>, resolving map references.</summary>
    /// <exception cref="ProgramLoadException">The reference names no map, a raw fd, or a value outside the map.</exception>
    public unsafe ulong ResolveLddw(Instruction first, Instruction second, int pc)
    {
        var kind = (LddwSource)first.Source;
        switch (kind)
        {
            case LddwSource.Immediate:
                return (uint)first.Immediate | (ulong)(uint)second.Immediate << 32;
            case LddwSource.MapByIndex:
                return (ulong)MapAt(first.Immediate, pc).Handle;
            case LddwSource.MapValueByIndex:
                var map = MapAt(first.Immediate, pc);
                uint offset = (uint)second.Immediate;
                if (map is not ArrayMap array || map.IsPerCpu)
                    throw new ProgramLoadException(pc, $"lddw takes the address of a value of map '{map.Name}', which is a {map.Type} map; only array maps give direct value addresses");
                if (offset >= (uint)map.ValueSize)
                    throw new ProgramLoadException(pc, $"lddw takes offset {offset} into the value of map '{map.Name}', which is {map.ValueSize} bytes");
                return (ulong)array.ElementAddress(0) + offset;
            case LddwSource.Function:
                // The validator made sure the target is an instruction start inside the program.
                return FunctionReference.Encode(pc + 1 + first.Immediate);
            case LddwSource.MapByFd or LddwSource.MapValueByFd:
                throw new ProgramLoadException(pc, $"lddw of kind {kind} names a kernel map by file descriptor; in user space, load the program from an ELF object so maps are referred to by index");
            default:
                throw new ProgramLoadException(pc, $"lddw of kind {kind} refers to a kernel object or function that this engine does not resolve");
        }
    }

    /// <summary>Whether the access lies in the value memory of one of the maps (or, with maps of maps, of any live map).</summary>
    public bool Allows(ulong address, ulong size, bool write)
    {
        foreach (var (start, length, writable) in _regions)
            if (address >= start && size <= length && address - start <= length - size && (!write || writable)) return true;
        return HasMapOfMaps && MapRegistry.ContainsValue(address, size, write);
    }

    private Map MapAt(int index, int pc) =>
        (uint)index < (uint)_maps.Length ? _maps[index]
            : throw new ProgramLoadException(pc, $"lddw refers to map index {index}, but the program was given {_maps.Length} map(s); pass the collection's maps in ExecutionOptions.Maps");
}
