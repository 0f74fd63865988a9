using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Maps;

/// <summary>
/// A typed view of a map for unmanaged key and value structs whose sizes are the map's key size and host value size
/// (for per-CPU maps use <see cref="Map.AsPerCpuTyped{TKey, TValue}"/>). It copies, like the
/// byte API it wraps; errors throw <see cref="MapException"/>.
/// </summary>
/// <typeparam name="TKey">The key struct, e.g. <see cref="uint"/> for arrays.</typeparam>
/// <typeparam name="TValue">The value struct.</typeparam>
public sealed class TypedMap<TKey, TValue> : IEnumerable<KeyValuePair<TKey, TValue>>
    where TKey : unmanaged where TValue : unmanaged
{
    /// <summary>A typed view of <paramref name="map"/>.</summary>
    /// <exception cref="ArgumentException">The struct sizes differ from the map's key size or host value size.</exception>
    public TypedMap(IMapView map)
    {
        if (Unsafe.SizeOf<TKey>() != map.KeySize)
            throw new ArgumentException($"map '{map.Name}' has {map.KeySize}-byte keys; {typeof(TKey).Name} has {Unsafe.SizeOf<TKey>()} bytes");
        if (Unsafe.SizeOf<TValue>() != map.HostValueSize)
            throw new ArgumentException($"map '{map.Name}' has {map.HostValueSize}-byte values; {typeof(TValue).Name} has {Unsafe.SizeOf<TValue>()} bytes");
        Map = map;
    }

    /// <summary>The map this view reads and writes.</summary>
    public IMapView Map { get; }

    /// <summary>The value of <paramref name="key"/>, if any.</summary>
    public bool TryGetValue(in TKey key, out TValue value)
    {
        value = default;
        return Map.Lookup(Bytes(in key), MemoryMarshal.AsBytes(new Span<TValue>(ref value)));
    }

    /// <summary>Gets the value of a key (throws <see cref="KeyNotFoundException"/> when missing) or sets it with BPF_ANY.</summary>
    public TValue this[TKey key]
    {
        get => TryGetValue(in key, out var value) ? value : throw new KeyNotFoundException($"map '{Map.Name}' has no element with key {key}");
        set => Update(in key, in value);
    }

    /// <summary>Creates or replaces an element.</summary>
    public void Update(in TKey key, in TValue value, MapUpdateFlags flags = MapUpdateFlags.Any) =>
        Map.Update(Bytes(in key), MemoryMarshal.AsBytes(new ReadOnlySpan<TValue>(in value)), flags);

    /// <summary>Deletes an element; false when there is none.</summary>
    public bool Remove(in TKey key) => Map.Delete(Bytes(in key));

    /// <summary>Every key, in the map's next-key order.</summary>
    public IEnumerable<TKey> Keys => Map.Keys().Select(k => MemoryMarshal.Read<TKey>(k));

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() =>
        Map.Entries().Select(e => new KeyValuePair<TKey, TValue>(MemoryMarshal.Read<TKey>(e.Key), MemoryMarshal.Read<TValue>(e.Value))).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private static ReadOnlySpan<byte> Bytes(in TKey key) => MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key));
}
