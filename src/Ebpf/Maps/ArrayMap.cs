using System.Buffers.Binary;
using Ebpf.Runtime;

namespace Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_ARRAY, and the base of <see cref="PerCpuArrayMap"/>: max_entries zero-initialised values indexed by a
/// u32 key, all preallocated in one native block. Kernel semantics: a lookup never fails below max_entries (and is
/// lock-free: pointer arithmetic), an index at or beyond it gives NULL/ENOENT on lookup and E2BIG on update,
/// BPF_NOEXIST gives EEXIST (every element exists), delete gives EINVAL, and next-key walks 0, 1, … with a missing or
/// out-of-range key restarting at 0. Updates copy in place without a lock, as the kernel does.
/// </summary>
public class ArrayMap : Map
{
    private readonly ValueArena _values;
    private readonly int _stride;
    private readonly MemoryRegion[] _regions;

    private protected ArrayMap(MapSpec spec, int processorCount) : base(spec, processorCount)
    {
        _stride = RoundUp8(ValueSize);
        _values = new ValueArena(MaxEntries, _stride * ProcessorCount, ProgramsMayWrite, $"map '{spec.Name}' values");
        _regions = [_values.Region];
    }

    internal ArrayMap(MapSpec spec) : this(spec, 1) { }

    /// <inheritdoc />
    public override int HostValueSize => IsPerCpu ? _stride * ProcessorCount : ValueSize;

    /// <inheritdoc />
    public override IReadOnlyList<MemoryRegion> ValueRegions => _regions;

    /// <summary>The native address of element <paramref name="index"/> in <paramref name="processorSlot"/>, or 0 beyond max_entries.</summary>
    public unsafe nint ElementAddress(uint index, int processorSlot = 0)
    {
        int slot = SlotFor(processorSlot);
        return index < (uint)MaxEntries && !IsDisposed ? (nint)(_values.SlotAddress((int)index) + (long)slot * _stride) : 0;
    }

    /// <summary>
    /// <c>bpf_for_each_map_elem</c> over an array, as the kernel's <c>bpf_for_each_array_elem</c>: index 0 to
    /// max_entries - 1, calling <paramref name="visit"/> with the address of the u32 index (written to
    /// <paramref name="keyBuffer"/>) and the element's address (the processor slot's for per-CPU arrays); stops after
    /// the visit that returns true. Returns the number of elements visited.
    /// </summary>
    internal unsafe long ForEachElement(int processorSlot, byte* keyBuffer, Func<ulong, ulong, bool> visit)
    {
        long visited = 0;
        for (uint index = 0; index < (uint)MaxEntries; index++)
        {
            nint value = ElementAddress(index, processorSlot);
            if (value == 0) break;
            *(uint*)keyBuffer = index;
            visited++;
            if (visit((ulong)keyBuffer, (ulong)value)) break;
        }
        return visited;
    }

    /// <inheritdoc />
    public override unsafe nint LookupElement(ulong keyAddress, int processorSlot = 0) =>
        ElementAddress(*(uint*)keyAddress, processorSlot);

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= (uint)MaxEntries) return -Errno.ENOENT;
        var element = _values.Slot((int)index);
        if (!IsPerCpu)
        {
            element[..ValueSize].CopyTo(value);
            return 0;
        }
        for (int cpu = 0; cpu < ProcessorCount; cpu++)
        {
            element.Slice(cpu * _stride, _stride).CopyTo(value.Slice(cpu * _stride, _stride));
        }
        return 0;
    }

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags) =>
        Update(key, value, flags, processorSlot: -1);

    private protected override int UpdateFromProgram(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int processorSlot)
    {
        int slot = SlotFor(processorSlot);
        return Update(key, value, flags, IsPerCpu ? slot : -1);
    }

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key) => -Errno.EINVAL;

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey) =>
        NextIndex(key, hasKey, nextKey, MaxEntries);

    /// <inheritdoc />
    protected override void FreeNativeMemory() => _values.Dispose();

    /// <summary>The next-key rule of every array type: after <c>i</c> comes <c>i + 1</c>; a missing or out-of-range key gives 0.</summary>
    internal static int NextIndex(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey, int maxEntries)
    {
        uint index = hasKey ? BinaryPrimitives.ReadUInt32LittleEndian(key) : uint.MaxValue;
        uint next = index >= (uint)maxEntries ? 0 : index + 1;
        if (next >= (uint)maxEntries) return -Errno.ENOENT;
        BinaryPrimitives.WriteUInt32LittleEndian(nextKey, next);
        return 0;
    }

    private int Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int processorSlot)
    {
        if ((flags & ~(ulong)MapUpdateFlags.Lock) > (ulong)MapUpdateFlags.Exist) return -Errno.EINVAL;
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= (uint)MaxEntries) return -Errno.E2BIG;
        if ((flags & (ulong)MapUpdateFlags.NoExist) != 0) return -Errno.EEXIST;
        if ((flags & (ulong)MapUpdateFlags.Lock) != 0) return -Errno.EINVAL; // no bpf_spin_lock without BTF
        var element = _values.Slot((int)index);
        if (!IsPerCpu)
            value[..ValueSize].CopyTo(element);
        else if (processorSlot >= 0)
            value[..ValueSize].CopyTo(element.Slice(processorSlot * _stride, ValueSize));
        else
            for (int cpu = 0; cpu < ProcessorCount; cpu++)
                // Like the kernel (copy_map_value_long), the host's bytes fill each slot's padding too, and lookups return them.
                value.Slice(cpu * _stride, _stride).CopyTo(element.Slice(cpu * _stride, _stride));
        return 0;
    }
}

/// <summary>
/// BPF_MAP_TYPE_PERCPU_ARRAY: an <see cref="ArrayMap"/> with one value per processor slot. Programs see their run's
/// slot (<see cref="RunContext.ProcessorSlot"/>) and may update it without contention; the host transfers every slot's
/// value, each rounded up to 8 bytes, concatenated.
/// </summary>
public sealed class PerCpuArrayMap : ArrayMap
{
    internal PerCpuArrayMap(MapSpec spec, int processorCount) : base(spec, processorCount) { }
}
