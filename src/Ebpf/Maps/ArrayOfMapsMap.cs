using System.Buffers.Binary;
using Ebpf.Runtime;

namespace Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_ARRAY_OF_MAPS: an array whose elements are empty or name an inner map that matches the template
/// (<see cref="MapSpec.InnerMap"/>). The host reads and writes 4-byte map ids (<see cref="Map.Id"/>, as the system call
/// returns map ids and takes fds); a program's lookup returns the inner map's <see cref="Map.Handle"/>, which later helper
/// calls resolve with <see cref="MapRegistry.TryGetByHandle"/>. Updates take only BPF_ANY; an unknown id gives EBADF, a map
/// that does not fit the template EINVAL. Removing an inner map does not dispose it: the host owns every map.
/// </summary>
public sealed class ArrayOfMapsMap : ArrayMap
{
    internal ArrayOfMapsMap(MapSpec spec) : base(spec, 1) { }

    /// <summary>Programs never receive pointers into the array itself.</summary>
    public override IReadOnlyList<MemoryRegion> ValueRegions => [];

    /// <summary>Stores <paramref name="inner"/> at <paramref name="index"/>.</summary>
    /// <exception cref="MapException">E2BIG for an index beyond max_entries, EINVAL for a map that does not fit the template.</exception>
    public void SetInnerMap(uint index, Map inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Span<byte> key = stackalloc byte[4], value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(key, index);
        BinaryPrimitives.WriteUInt32LittleEndian(value, inner.Id);
        Update(key, value);
    }

    /// <summary>The inner map at <paramref name="index"/>, if any.</summary>
    public bool TryGetInnerMap(uint index, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Map? inner)
    {
        inner = null;
        nint element = ElementAddress(index);
        return element != 0 && MapRegistry.TryGetById(ReadId(element), out inner);
    }

    /// <inheritdoc />
    public override nint LookupElement(ulong keyAddress, int processorSlot = 0)
    {
        nint element = base.LookupElement(keyAddress);
        return element != 0 && MapRegistry.TryGetById(ReadId(element), out var inner) ? inner.Handle : 0;
    }

    /// <inheritdoc />
    public override long UpdateElement(ulong keyAddress, ulong valueAddress, ulong flags, int processorSlot = 0) => -Errno.EOPNOTSUPP;

    /// <inheritdoc />
    public override long DeleteElement(ulong keyAddress) => -Errno.EOPNOTSUPP;

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        int result = base.LookupCore(key, value);
        if (result == 0 && BinaryPrimitives.ReadUInt32LittleEndian(value) == 0) return -Errno.ENOENT;
        return result;
    }

    /// <inheritdoc />
    protected override unsafe int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        if (flags != (ulong)MapUpdateFlags.Any) return -Errno.EINVAL;
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= (uint)MaxEntries) return -Errno.E2BIG;
        uint id = BinaryPrimitives.ReadUInt32LittleEndian(value);
        int resolved = InnerMapRules.Resolve(Spec.InnerMap!, id, out _);
        if (resolved != 0) return resolved;
        Volatile.Write(ref *(uint*)ElementAddress(index), id); // one atomic store: a program never reads a torn id
        return 0;
    }

    /// <inheritdoc />
    protected override unsafe int DeleteCore(ReadOnlySpan<byte> key)
    {
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= (uint)MaxEntries) return -Errno.E2BIG;
        return Interlocked.Exchange(ref *(uint*)ElementAddress(index), 0) != 0 ? 0 : -Errno.ENOENT;
    }

    private static unsafe uint ReadId(nint element) => Volatile.Read(ref *(uint*)element);
}
