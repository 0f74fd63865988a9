using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Runtime;

namespace Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_RINGBUF: a multi-producer, single-consumer ring of variable-size records, with the kernel's layout and
/// rules. max_entries is the size of the data area (a power of 2, a multiple of the page size). Each record is an 8-byte
/// header (u32 length with the BUSY bit while reserved and the DISCARD bit when discarded, u32 offset / 8) followed by
/// the data, rounded up to 8 bytes. A reservation fails (returns 0) unless, after it, the bytes between the consumer —
/// and the oldest record still reserved — and the producer stay below the ring size, as in the kernel. The consumer
/// delivers committed records in order, stops at one still reserved, and skips discarded ones.
/// </summary>
/// <remarks>
/// The kernel maps the data pages twice so a record that wraps is contiguous; here the data area is allocated twice as
/// large and both sides address a record linearly from its start, which gives the same contiguity without the mapping.
/// </remarks>
public sealed unsafe class RingBufferMap : Map
{
    /// <summary>BPF_RINGBUF_BUSY_BIT: the record is reserved and not yet committed.</summary>
    public const uint BusyBit = 1u << 31;

    /// <summary>BPF_RINGBUF_DISCARD_BIT: the record was discarded.</summary>
    public const uint DiscardBit = 1u << 30;

    /// <summary>BPF_RINGBUF_HDR_SZ: the size of a record header.</summary>
    public const int HeaderSize = 8;

    private readonly byte* _data;
    private readonly ulong _mask;
    private readonly object _producerGate = new();
    private readonly object _consumerGate = new();
    private readonly SemaphoreSlim _wakeups = new(0);
    private readonly MemoryRegion[] _regions;
    private long _consumerPosition;
    private long _producerPosition;
    private long _pendingPosition;
    private int _freed;

    internal RingBufferMap(MapSpec spec) : base(spec, 1)
    {
        _mask = spec.MaxEntries - 1UL;
        nuint bytes = (nuint)spec.MaxEntries * 2;
        _data = (byte*)NativeMemory.AlignedAlloc(bytes, 8);
        NativeMemory.Clear(_data, bytes);
        _regions = [new MemoryRegion((ulong)_data, bytes, true, $"ring buffer '{spec.Name}'")];
    }

    /// <summary>The size of the data area in bytes.</summary>
    public long RingSize => (long)_mask + 1;

    /// <summary>The data area (with its linear overflow), where reserved records live.</summary>
    public override IReadOnlyList<MemoryRegion> ValueRegions => _regions;

    // ---- program side ---------------------------------------------------------------------------------------

    /// <summary><c>bpf_ringbuf_reserve</c>: the address of <paramref name="size"/> writable bytes, or 0 when there is no room or flags are not 0.</summary>
    public nint Reserve(ulong size, ulong flags = 0)
    {
        if (flags != 0 || IsDisposed || size > uint.MaxValue / 4) return 0;
        long length = (long)((size + HeaderSize + 7) & ~7UL);
        if (length > RingSize) return 0;
        lock (_producerGate)
        {
            long consumer = Volatile.Read(ref _consumerPosition);
            long producer = _producerPosition;
            long pending = SkipCommitted(_pendingPosition, producer);
            _pendingPosition = pending;
            long next = producer + length;
            if ((ulong)(next - consumer) > _mask || (ulong)(next - pending) > _mask) return 0;
            byte* header = _data + ((ulong)producer & _mask);
            ((uint*)header)[1] = (uint)(((ulong)producer & _mask) / 8);
            Volatile.Write(ref *(uint*)header, (uint)size | BusyBit);
            Volatile.Write(ref _producerPosition, next);
            return (nint)(header + HeaderSize);
        }
    }

    /// <summary><c>bpf_ringbuf_submit</c>: commits a reserved record so the consumer sees it.</summary>
    /// <exception cref="MapException">The address is not a record reserved and not yet committed (EINVAL).</exception>
    public void Submit(nint record, ulong flags = 0) => Commit(record, flags, discard: false);

    /// <summary><c>bpf_ringbuf_discard</c>: releases a reserved record; the consumer skips it.</summary>
    /// <exception cref="MapException">The address is not a record reserved and not yet committed (EINVAL).</exception>
    public void Discard(nint record, ulong flags = 0) => Commit(record, flags, discard: true);

    /// <summary><c>bpf_ringbuf_output</c>: copies <paramref name="size"/> bytes at <paramref name="dataAddress"/> into a new record; 0, -EINVAL for unknown flags, -EAGAIN when there is no room.</summary>
    public long Output(ulong dataAddress, ulong size, ulong flags = 0)
    {
        if (size > (ulong)RingSize)
            return (flags & ~(ulong)(RingBufferFlags.NoWakeup | RingBufferFlags.ForceWakeup)) != 0 ? -Errno.EINVAL : -Errno.EAGAIN;
        return Output(new ReadOnlySpan<byte>((void*)dataAddress, (int)size), flags);
    }

    /// <summary><c>bpf_ringbuf_output</c> from a span (host producers use it too).</summary>
    public long Output(ReadOnlySpan<byte> data, ulong flags = 0)
    {
        if ((flags & ~(ulong)(RingBufferFlags.NoWakeup | RingBufferFlags.ForceWakeup)) != 0) return -Errno.EINVAL;
        nint record = Reserve((ulong)data.Length);
        if (record == 0) return -Errno.EAGAIN;
        data.CopyTo(new Span<byte>((void*)record, data.Length));
        Commit(record, flags, discard: false);
        return 0;
    }

    /// <summary><c>bpf_ringbuf_query</c>: available data, ring size, consumer or producer position; 0 for an unknown query.</summary>
    public ulong Query(ulong flags) => (RingBufferQuery)flags switch
    {
        RingBufferQuery.AvailableData => (ulong)(Volatile.Read(ref _producerPosition) - Volatile.Read(ref _consumerPosition)),
        RingBufferQuery.RingSize => (ulong)RingSize,
        RingBufferQuery.ConsumerPosition => (ulong)Volatile.Read(ref _consumerPosition),
        RingBufferQuery.ProducerPosition => (ulong)Volatile.Read(ref _producerPosition),
        _ => 0,
    };

    // ---- consumer side --------------------------------------------------------------------------------------

    /// <summary>
    /// Delivers every committed record in order to <paramref name="handler"/> (up to <paramref name="maxRecords"/>),
    /// skipping discarded ones and stopping at one still reserved; returns how many were delivered. The span is valid
    /// only during the call. One consumer at a time; the handler must not consume from this ring.
    /// </summary>
    public int Drain(Action<ReadOnlySpan<byte>> handler, int maxRecords = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        int delivered = 0;
        lock (_consumerGate)
        {
            long consumer = _consumerPosition;
            while (delivered < maxRecords && consumer < Volatile.Read(ref _producerPosition))
            {
                byte* header = _data + ((ulong)consumer & _mask);
                uint length = Volatile.Read(ref *(uint*)header);
                if ((length & BusyBit) != 0) break;
                uint dataLength = length & ~(BusyBit | DiscardBit);
                if ((length & DiscardBit) == 0)
                {
                    handler(new ReadOnlySpan<byte>(header + HeaderSize, (int)dataLength));
                    delivered++;
                }
                consumer += (dataLength + HeaderSize + 7) & ~7L;
                Volatile.Write(ref _consumerPosition, consumer);
            }
        }
        return delivered;
    }

    /// <summary>Copies the next committed record, skipping discarded ones; false when none is ready.</summary>
    public bool TryRead([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? record)
    {
        byte[]? copy = null;
        Drain(data => copy = data.ToArray(), maxRecords: 1);
        record = copy;
        return copy is not null;
    }

    /// <summary>
    /// Every record as it is committed, until <paramref name="cancellationToken"/> is cancelled. Waits for the producers'
    /// notifications (records submitted with BPF_RB_NO_WAKEUP are read on the next notification).
    /// </summary>
    public async IAsyncEnumerable<byte[]> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            while (TryRead(out var record)) yield return record;
            await _wakeups.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until a producer notifies the consumer or the timeout passes; true when notified.</summary>
    public Task<bool> WaitForDataAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _wakeups.WaitAsync(timeout, cancellationToken);

    // ---- the generic map API does not apply -----------------------------------------------------------------

    /// <inheritdoc />
    public override long UpdateElement(ulong keyAddress, ulong valueAddress, ulong flags, int processorSlot = 0) => -Errno.ENOTSUPP;

    /// <inheritdoc />
    public override long DeleteElement(ulong keyAddress) => -Errno.ENOTSUPP;

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value) => -Errno.ENOTSUPP;

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags) => -Errno.ENOTSUPP;

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key) => -Errno.ENOTSUPP;

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey) => -Errno.ENOTSUPP;

    /// <inheritdoc />
    protected override void FreeNativeMemory()
    {
        if (Interlocked.Exchange(ref _freed, 1) != 0) return;
        lock (_producerGate)
        lock (_consumerGate)
            NativeMemory.AlignedFree(_data);
        _wakeups.Dispose();
    }

    /// <summary>Moves the pending position past records already committed or discarded (the kernel's pending_pos).</summary>
    private long SkipCommitted(long pending, long producer)
    {
        while (pending < producer)
        {
            uint length = Volatile.Read(ref *(uint*)(_data + ((ulong)pending & _mask)));
            if ((length & BusyBit) != 0) break;
            pending += ((length & ~DiscardBit) + HeaderSize + 7) & ~7L;
        }
        return pending;
    }

    private void Commit(nint record, ulong flags, bool discard)
    {
        ulong offset = (ulong)record - HeaderSize - (ulong)_data;
        uint* header = (uint*)(record - HeaderSize);
        if (IsDisposed || record == 0 || offset > _mask || offset % 8 != 0 || (Volatile.Read(ref header[0]) & BusyBit) == 0 || header[1] != offset / 8)
            throw MapErrors.ForRecord(this, record);
        uint length = header[0] & ~BusyBit;
        if (discard) length |= DiscardBit;
        Volatile.Write(ref header[0], length);
        ulong consumerOffset = (ulong)Volatile.Read(ref _consumerPosition) & _mask;
        bool wake = (flags & (ulong)RingBufferFlags.ForceWakeup) != 0 ||
                    (flags & (ulong)RingBufferFlags.NoWakeup) == 0 && consumerOffset == offset;
        if (wake && _wakeups.CurrentCount == 0) _wakeups.Release();
    }
}
