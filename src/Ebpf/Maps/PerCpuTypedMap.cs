using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Maps;

/// <summary>
/// A typed view of a per-CPU map: each key has one <typeparamref name="TValue"/> per processor slot. It converts
/// between an array of values and the system call's layout (every slot's value rounded up to 8 bytes).
/// </summary>
/// <typeparam name="TKey">The key struct.</typeparam>
/// <typeparam name="TValue">The struct of one slot's value, of exactly the map's value size.</typeparam>
public sealed class PerCpuTypedMap<TKey, TValue> where TKey : unmanaged where TValue : unmanaged
{
    private readonly int _stride;

    /// <summary>A typed per-CPU view of <paramref name="map"/>.</summary>
    /// <exception cref="ArgumentException">The map is not per-CPU, or the struct sizes differ from its key and value sizes.</exception>
    public PerCpuTypedMap(IMapView map)
    {
        if (!map.IsPerCpu) throw new ArgumentException($"map '{map.Name}' is a {map.Type} map, not a per-CPU one; use AsTyped");
        if (Unsafe.SizeOf<TKey>() != map.KeySize)
            throw new ArgumentException($"map '{map.Name}' has {map.KeySize}-byte keys; {typeof(TKey).Name} has {Unsafe.SizeOf<TKey>()} bytes");
        if (Unsafe.SizeOf<TValue>() != map.ValueSize)
            throw new ArgumentException($"map '{map.Name}' has {map.ValueSize}-byte values; {typeof(TValue).Name} has {Unsafe.SizeOf<TValue>()} bytes");
        Map = map;
        _stride = map.HostValueSize / map.ProcessorCount;
    }

    /// <summary>The map this view reads and writes.</summary>
    public IMapView Map { get; }

    /// <summary>Every slot's value of <paramref name="key"/> (index = processor slot), or null when there is none.</summary>
    public TValue[]? Get(in TKey key)
    {
        var raw = Map.Lookup(KeyBytes(in key));
        if (raw is null) return null;
        var values = new TValue[Map.ProcessorCount];
        for (int slot = 0; slot < values.Length; slot++) values[slot] = MemoryMarshal.Read<TValue>(raw.AsSpan(slot * _stride));
        return values;
    }

    /// <summary>Sets every slot's value of <paramref name="key"/>; <paramref name="values"/> has one value per processor slot.</summary>
    public void Update(in TKey key, ReadOnlySpan<TValue> values, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        if (values.Length != Map.ProcessorCount)
            throw new ArgumentException($"map '{Map.Name}' has {Map.ProcessorCount} processor slots; give one value for each", nameof(values));
        var raw = new byte[Map.HostValueSize];
        for (int slot = 0; slot < values.Length; slot++)
            MemoryMarshal.Write(raw.AsSpan(slot * _stride), in values[slot]);
        Map.Update(KeyBytes(in key), raw, flags);
    }

    /// <summary>Deletes an element; false when there is none.</summary>
    public bool Remove(in TKey key) => Map.Delete(KeyBytes(in key));

    private static ReadOnlySpan<byte> KeyBytes(in TKey key) => MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key));
}
