using Ebpf.Runtime;

namespace Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_HASH, and the base of the per-CPU and LRU variants. Semantics of the kernel's <c>htab</c>:
/// <list type="bullet">
/// <item>update checks flags first (anything but BPF_ANY/NOEXIST/EXIST/F_LOCK → EINVAL; F_LOCK needs a spin lock in the
/// value, which needs BTF → EINVAL), then NOEXIST on an existing key → EEXIST, EXIST on a missing key → ENOENT, a new key
/// when full → E2BIG (LRU variants evict the least recently used element instead);</item>
/// <item>replacing a value links a new element and retires the old one, as the kernel does, so a program still holding
/// the old value pointer keeps reading the old value; per-CPU values are copied in place;</item>
/// <item>next-key order is bucket order; a missing key restarts from the first key.</item>
/// </list>
/// One lock per map guards the table; value reads and writes through pointers are not locked (as in the kernel).
/// </summary>
public class HashMap : Map
{
    private readonly HashTable _table;
    private readonly bool _perCpu;
    private readonly bool _lru;
    private readonly int _stride;
    private readonly MemoryRegion[] _regions;

    /// <summary>Creates a map of a hash type; use <see cref="Map.Create"/>, which validates the spec.</summary>
    private protected HashMap(MapSpec spec, int processorCount, bool perCpu, bool lru)
        : base(spec, perCpu ? processorCount : 1)
    {
        _perCpu = perCpu;
        _lru = lru;
        _stride = RoundUp8(ValueSize);
        _table = new HashTable(KeySize, _stride * ProcessorCount, MaxEntries, lru,
            (spec.Flags & MapCreationFlags.ZeroSeed) != 0, ProgramsMayWrite, $"map '{spec.Name}' values");
        _regions = [_table.Values.Region];
    }

    internal HashMap(MapSpec spec) : this(spec, 1, perCpu: false, lru: false) { }

    /// <inheritdoc />
    public override int HostValueSize => _perCpu ? _stride * ProcessorCount : ValueSize;

    /// <inheritdoc />
    public override IReadOnlyList<MemoryRegion> ValueRegions => _regions;

    /// <summary>The number of elements.</summary>
    public int Count
    {
        get { lock (_table.Gate) return _table.Count; }
    }

    /// <inheritdoc />
    public override unsafe nint LookupElement(ulong keyAddress, int processorSlot = 0)
    {
        if (IsDisposed) return 0;
        int cpu = SlotFor(processorSlot);
        lock (_table.Gate)
        {
            int slot = _table.Find(KeyAt(keyAddress));
            if (slot < 0) return 0;
            if (_lru) _table.Touch(slot);
            return (nint)(_table.Values.SlotAddress(slot) + (long)cpu * _stride);
        }
    }

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        lock (_table.Gate)
        {
            int slot = _table.Find(key);
            if (slot < 0) return -Errno.ENOENT;
            CopyOut(slot, value);
            return 0;
        }
    }

    /// <inheritdoc />
    protected override int LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        lock (_table.Gate)
        {
            int slot = _table.Find(key);
            if (slot < 0) return -Errno.ENOENT;
            CopyOut(slot, value);
            _table.Unlink(slot);
            return 0;
        }
    }

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags) =>
        Update(key, value, flags, processorSlot: -1);

    private protected override int UpdateFromProgram(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int processorSlot)
    {
        int cpu = SlotFor(processorSlot);
        return Update(key, value, flags, _perCpu ? cpu : -1);
    }

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key)
    {
        lock (_table.Gate)
        {
            int slot = _table.Find(key);
            if (slot < 0) return -Errno.ENOENT;
            _table.Unlink(slot);
            return 0;
        }
    }

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey)
    {
        lock (_table.Gate) return _table.TryGetNextKey(key, hasKey, nextKey) ? 0 : -Errno.ENOENT;
    }

    /// <summary>
    /// <c>bpf_for_each_map_elem</c> over a hash map, as the kernel's <c>bpf_for_each_hash_elem</c>: bucket by bucket, each
    /// chain from its head, calling <paramref name="visit"/> with the address of a copy of the key (in
    /// <paramref name="keyBuffer"/>, <see cref="Map.KeySize"/> bytes) and the value's address (the processor slot's for
    /// per-CPU maps); stops after the visit that returns true. The lock is not held during a visit, so the callback may
    /// update and delete: an element deleted before its turn is skipped, one added to a chain already walked is not
    /// seen. Returns the number of elements visited.
    /// </summary>
    internal unsafe long ForEachElement(int processorSlot, byte* keyBuffer, Func<ulong, ulong, bool> visit)
    {
        int cpu = SlotFor(processorSlot);
        var chain = new List<int>();
        long visited = 0;
        for (int bucket = 0; bucket < _table.BucketCount; bucket++)
        {
            lock (_table.Gate)
            {
                if (IsDisposed) return visited;
                _table.CollectChain(bucket, chain);
            }
            foreach (int slot in chain)
            {
                ulong value;
                lock (_table.Gate)
                {
                    if (IsDisposed) return visited;
                    if (!_table.IsLinked(slot)) continue;
                    _table.KeyOf(slot).CopyTo(new Span<byte>(keyBuffer, KeySize));
                    value = (ulong)(_table.Values.SlotAddress(slot) + (long)cpu * _stride);
                }
                visited++;
                if (visit((ulong)keyBuffer, value)) return visited;
            }
        }
        return visited;
    }

    /// <inheritdoc />
    protected override void FreeNativeMemory()
    {
        lock (_table.Gate) _table.Dispose();
    }

    /// <summary>
    /// The update of every hash type. <paramref name="processorSlot"/> is -1 for a whole value (host layout for per-CPU
    /// maps), or the slot a program's single value goes to.
    /// </summary>
    private int Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int processorSlot)
    {
        if ((flags & ~(ulong)MapUpdateFlags.Lock) > (ulong)MapUpdateFlags.Exist) return -Errno.EINVAL;
        if ((flags & (ulong)MapUpdateFlags.Lock) != 0) return -Errno.EINVAL; // no bpf_spin_lock without BTF
        lock (_table.Gate)
        {
            int old = _table.Find(key);
            if (old >= 0 && flags == (ulong)MapUpdateFlags.NoExist) return -Errno.EEXIST;
            if (old < 0 && flags == (ulong)MapUpdateFlags.Exist) return -Errno.ENOENT;
            if (old >= 0 && _perCpu)
            {
                CopyIn(old, value, processorSlot);
                if (_lru) _table.Touch(old);
                return 0;
            }
            if (old < 0 && _table.IsFull)
            {
                if (!_lru) return -Errno.E2BIG;
                _table.Unlink(_table.LeastRecentlyUsed);
            }
            int slot = _table.Allocate(key);
            CopyIn(slot, value, processorSlot);
            _table.Link(slot);
            if (old >= 0) _table.Unlink(old);
            return 0;
        }
    }

    private unsafe void CopyIn(int slot, ReadOnlySpan<byte> value, int processorSlot)
    {
        var values = _table.Values.Slot(slot);
        if (!_perCpu)
        {
            value[..ValueSize].CopyTo(values);
            return;
        }
        if (processorSlot >= 0)
        {
            value[..ValueSize].CopyTo(values.Slice(processorSlot * _stride, ValueSize));
            return;
        }
        for (int cpu = 0; cpu < ProcessorCount; cpu++)
            // Like the kernel (copy_map_value_long), the host's bytes fill each slot's padding too, and lookups return them.
            value.Slice(cpu * _stride, _stride).CopyTo(values.Slice(cpu * _stride, _stride));
    }

    private void CopyOut(int slot, Span<byte> value)
    {
        var values = _table.Values.Slot(slot);
        if (!_perCpu)
        {
            values[..ValueSize].CopyTo(value);
            return;
        }
        for (int cpu = 0; cpu < ProcessorCount; cpu++)
        {
            values.Slice(cpu * _stride, _stride).CopyTo(value.Slice(cpu * _stride, _stride));
        }
    }
}
