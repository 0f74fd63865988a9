using System.Buffers.Binary;
using Ebpf.Runtime;

namespace Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_HASH_OF_MAPS: a hash map whose values name inner maps that match the template
/// (<see cref="MapSpec.InnerMap"/>). As with <see cref="ArrayOfMapsMap"/>, the host reads and writes 4-byte map ids and a
/// program's lookup returns the inner map's <see cref="Map.Handle"/>. Updates honour BPF_NOEXIST and BPF_EXIST like a
/// hash map; an unknown id gives EBADF, a map that does not fit the template EINVAL.
/// </summary>
public sealed class HashOfMapsMap : HashMap
{
    internal HashOfMapsMap(MapSpec spec) : base(spec, 1, perCpu: false, lru: false) { }

    /// <summary>Programs never receive pointers into the table itself.</summary>
    public override IReadOnlyList<MemoryRegion> ValueRegions => [];

    /// <summary>Stores <paramref name="inner"/> under <paramref name="key"/>.</summary>
    public void SetInnerMap(ReadOnlySpan<byte> key, Map inner, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(value, inner.Id);
        Update(key, value, flags);
    }

    /// <summary>The inner map under <paramref name="key"/>, if any.</summary>
    public bool TryGetInnerMap(ReadOnlySpan<byte> key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Map? inner)
    {
        Span<byte> value = stackalloc byte[4];
        inner = null;
        return Lookup(key, value) && MapRegistry.TryGetById(BinaryPrimitives.ReadUInt32LittleEndian(value), out inner);
    }

    /// <inheritdoc />
    public override nint LookupElement(ulong keyAddress, int processorSlot = 0)
    {
        // Copy the id under the map's lock: the element's slot may be recycled as soon as another thread deletes it.
        Span<byte> id = stackalloc byte[4];
        if (IsDisposed || LookupCore(KeyAt(keyAddress), id) != 0) return 0;
        return MapRegistry.TryGetById(BinaryPrimitives.ReadUInt32LittleEndian(id), out var inner) ? inner.Handle : 0;
    }

    /// <inheritdoc />
    public override long UpdateElement(ulong keyAddress, ulong valueAddress, ulong flags, int processorSlot = 0) => -Errno.EOPNOTSUPP;

    /// <inheritdoc />
    public override long DeleteElement(ulong keyAddress) => -Errno.EOPNOTSUPP;

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        if ((flags & ~(ulong)MapUpdateFlags.Lock) > (ulong)MapUpdateFlags.Exist) return -Errno.EINVAL;
        int resolved = InnerMapRules.Resolve(Spec.InnerMap!, BinaryPrimitives.ReadUInt32LittleEndian(value), out _);
        return resolved != 0 ? resolved : base.UpdateCore(key, value, flags);
    }
}
