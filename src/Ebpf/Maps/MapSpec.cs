namespace Ebpf.Maps;

/// <summary>
/// The pure description of a map, as an ELF object's map section or BTF map definition gives it: the same object gives
/// the same spec everywhere. <see cref="Map.Create"/> turns it into a live user-space map; the kernel backend into a map fd.
/// </summary>
/// <param name="Name">The map's name (the ELF symbol), for messages and pinning.</param>
/// <param name="Type">The kind of map.</param>
/// <param name="KeySize">The size of a key in bytes (0 for queues, stacks, ring buffers and bloom filters).</param>
/// <param name="ValueSize">The size of a value in bytes (0 for ring buffers).</param>
/// <param name="MaxEntries">The capacity (for ring buffers: the size of the data area in bytes).</param>
/// <param name="Flags">The creation flags.</param>
public sealed record MapSpec(string Name, MapType Type, uint KeySize, uint ValueSize, uint MaxEntries,
    MapCreationFlags Flags = MapCreationFlags.None)
{
    /// <summary>For <see cref="MapType.ArrayOfMaps"/> and <see cref="MapType.HashOfMaps"/>: the template every inner map must match.</summary>
    public MapSpec? InnerMap { get; init; }

    /// <summary>How a loader pins the map.</summary>
    public MapPinning Pinning { get; init; }

    /// <summary>The <c>map_extra</c> attribute; for bloom filters the low 4 bits are the number of hash functions (0 means 5).</summary>
    public ulong MapExtra { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Type} '{Name}' (key {KeySize} B, value {ValueSize} B, max_entries {MaxEntries}, flags {Flags})";
}
