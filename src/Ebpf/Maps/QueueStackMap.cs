namespace Ebpf.Maps;

/// <summary>
/// The shared storage of BPF_MAP_TYPE_QUEUE and BPF_MAP_TYPE_STACK (the kernel's <c>queue_stack_maps.c</c>): a ring of
/// max_entries values with key size 0. Push takes BPF_ANY, or BPF_EXIST to overwrite the oldest value when full (anything
/// else: EINVAL; full without BPF_EXIST: E2BIG); pop and peek give ENOENT when empty. Programs get copies, never
/// pointers. Through the generic host API, update pushes, lookup peeks and lookup-and-delete pops, as the system call
/// does; delete and next-key give EINVAL.
/// </summary>
public abstract unsafe class QueueStackMap : Map
{
    private readonly byte[] _ring;
    private readonly object _gate = new();
    private int _oldest;
    private int _count;

    private protected QueueStackMap(MapSpec spec) : base(spec, 1) => _ring = new byte[(long)MaxEntries * ValueSize];

    /// <summary>The number of values held.</summary>
    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Pushes a value.</summary>
    /// <exception cref="MapException">E2BIG when full (pass <see cref="MapUpdateFlags.Exist"/> to overwrite the oldest), EINVAL for other flags.</exception>
    public void Push(ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any) => Update([], value, flags);

    /// <summary>Copies and removes the next value (the oldest for a queue, the newest for a stack); false when empty.</summary>
    public bool TryPop(Span<byte> value) => LookupAndDelete([], value);

    /// <summary>Copies the next value without removing it; false when empty.</summary>
    public bool TryPeek(Span<byte> value) => Lookup([], value);

    /// <inheritdoc />
    public override long PushElement(ulong valueAddress, ulong flags) =>
        IsDisposed ? -Errno.EBADF : Push(new ReadOnlySpan<byte>((void*)valueAddress, ValueSize), flags);

    /// <inheritdoc />
    public override long PopElement(ulong valueAddress) =>
        IsDisposed ? -Errno.EBADF : Take(new Span<byte>((void*)valueAddress, ValueSize), remove: true);

    /// <inheritdoc />
    public override long PeekElement(ulong valueAddress) =>
        IsDisposed ? -Errno.EBADF : Take(new Span<byte>((void*)valueAddress, ValueSize), remove: false);

    /// <inheritdoc />
    public override long UpdateElement(ulong keyAddress, ulong valueAddress, ulong flags, int processorSlot = 0) => -Errno.EINVAL;

    /// <inheritdoc />
    public override long DeleteElement(ulong keyAddress) => -Errno.EINVAL;

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value) => Take(value, remove: false);

    /// <inheritdoc />
    protected override int LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value) => Take(value, remove: true);

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags) => Push(value, flags);

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key) => -Errno.EINVAL;

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey) => -Errno.EINVAL;

    /// <inheritdoc />
    protected override void FreeNativeMemory() { }

    /// <summary>Whether pop and peek take the newest value (stack) rather than the oldest (queue).</summary>
    private protected abstract bool TakesNewest { get; }

    private int Push(ReadOnlySpan<byte> value, ulong flags)
    {
        if ((flags & (ulong)MapUpdateFlags.NoExist) != 0 || flags > (ulong)MapUpdateFlags.Exist) return -Errno.EINVAL;
        lock (_gate)
        {
            if (_count == MaxEntries)
            {
                if (flags != (ulong)MapUpdateFlags.Exist) return -Errno.E2BIG;
                _oldest = (_oldest + 1) % MaxEntries;
                _count--;
            }
            value[..ValueSize].CopyTo(Slot((_oldest + _count) % MaxEntries));
            _count++;
            return 0;
        }
    }

    private int Take(Span<byte> value, bool remove)
    {
        lock (_gate)
        {
            if (_count == 0) return -Errno.ENOENT;
            int index = TakesNewest ? (_oldest + _count - 1) % MaxEntries : _oldest;
            Slot(index).CopyTo(value);
            if (!remove) return 0;
            _count--;
            if (!TakesNewest) _oldest = (_oldest + 1) % MaxEntries;
            return 0;
        }
    }

    private Span<byte> Slot(int index) => _ring.AsSpan(index * ValueSize, ValueSize);
}

/// <summary>BPF_MAP_TYPE_QUEUE: first in, first out (see <see cref="QueueStackMap"/>).</summary>
public sealed class QueueMap : QueueStackMap
{
    internal QueueMap(MapSpec spec) : base(spec) { }

    private protected override bool TakesNewest => false;
}

/// <summary>BPF_MAP_TYPE_STACK: last in, first out; BPF_EXIST overwrites the oldest (bottom) value when full (see <see cref="QueueStackMap"/>).</summary>
public sealed class StackMap : QueueStackMap
{
    internal StackMap(MapSpec spec) : base(spec) { }

    private protected override bool TakesNewest => true;
}
