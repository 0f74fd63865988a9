namespace Ebpf.Maps;

/// <summary>
/// The host's view of a map, wherever the map lives: a user-space <see cref="Map"/> or a map in the Linux kernel
/// (<c>Ebpf.Linux.Kernel.KernelMap</c>). Keys and values are copied; per-CPU values travel as every CPU's value
/// concatenated, each rounded up to 8 bytes, as the <c>bpf()</c> system call does.
/// </summary>
public interface IMapView
{
    /// <summary>The map's name.</summary>
    string Name { get; }

    /// <summary>The kind of map.</summary>
    MapType Type { get; }

    /// <summary>The size of a key in bytes.</summary>
    int KeySize { get; }

    /// <summary>The size of one value in bytes (of one CPU's value, for per-CPU maps).</summary>
    int ValueSize { get; }

    /// <summary>The capacity.</summary>
    int MaxEntries { get; }

    /// <summary>Whether each key holds one value per CPU.</summary>
    bool IsPerCpu { get; }

    /// <summary>The number of per-CPU value slots a lookup transfers (1 for maps that are not per-CPU).</summary>
    int ProcessorCount { get; }

    /// <summary>The size of a value as lookups and updates transfer it (all CPUs' values for per-CPU maps).</summary>
    int HostValueSize { get; }

    /// <summary>Copies the value of <paramref name="key"/> into <paramref name="value"/>; false when there is none.</summary>
    bool Lookup(ReadOnlySpan<byte> key, Span<byte> value);

    /// <summary>The value of <paramref name="key"/>, or null when there is none.</summary>
    byte[]? Lookup(ReadOnlySpan<byte> key);

    /// <summary>Creates or replaces the element of <paramref name="key"/>.</summary>
    void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any);

    /// <summary>Deletes the element of <paramref name="key"/>; false when there is none.</summary>
    bool Delete(ReadOnlySpan<byte> key);

    /// <summary>Copies the value of <paramref name="key"/> and deletes it (queues and stacks: pops, with an empty key); false when there is none.</summary>
    bool LookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value);

    /// <summary>The key after <paramref name="key"/> (the first for an empty span) into <paramref name="nextKey"/>; false after the last.</summary>
    bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey);

    /// <summary>Every key, in next-key order.</summary>
    IEnumerable<byte[]> Keys();

    /// <summary>Every element as copies of key and value.</summary>
    IEnumerable<(byte[] Key, byte[] Value)> Entries();
}
