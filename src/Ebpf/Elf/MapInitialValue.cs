namespace Ebpf.Elf;

/// <summary>One entry a loader writes into a map after creating it: data-section contents or a <c>.maps</c> <c>values</c> slot.</summary>
/// <param name="MapName">The map's name.</param>
/// <param name="MapIndex">The map's index in <see cref="CollectionSpec.Maps"/>.</param>
/// <param name="Key">The key (array index) of the entry.</param>
public abstract record MapInitialValue(string MapName, int MapIndex, uint Key);

/// <summary>The value bytes of a global-data map's only entry (key 0): the section's contents, zeros for <c>.bss</c>.</summary>
public sealed record MapInitialBytes(string MapName, int MapIndex, uint Key, ReadOnlyMemory<byte> Value) : MapInitialValue(MapName, MapIndex, Key);

/// <summary>A program array slot that holds the named program.</summary>
public sealed record MapInitialProgram(string MapName, int MapIndex, uint Key, string ProgramName) : MapInitialValue(MapName, MapIndex, Key);

/// <summary>A map-in-map slot that holds the named map.</summary>
public sealed record MapInitialMap(string MapName, int MapIndex, uint Key, string InnerMapName, int InnerMapIndex) : MapInitialValue(MapName, MapIndex, Key);
