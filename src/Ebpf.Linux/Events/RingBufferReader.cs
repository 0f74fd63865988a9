using Ebpf.Linux.Kernel;
using Ebpf.Linux.Syscalls;
using Ebpf.Maps;

namespace Ebpf.Linux.Events;

/// <summary>
/// Reads the records programs submit to a <c>BPF_MAP_TYPE_RINGBUF</c> map, as libbpf's ring_buffer does: the consumer
/// page is mapped read-write, the producer page and the data area read-only (the kernel maps the data twice in a row, so
/// a record that wraps around the end reads as one piece), epoll on the map fd says when records arrive, and the
/// consumer position moves past each record with release semantics once it is copied out.
/// </summary>
public sealed unsafe class RingBufferReader : EventReader
{
    private readonly BpfFileDescriptor _map;
    private readonly MemoryMapping _consumer;
    private readonly MemoryMapping _producer;
    private readonly ulong _mask;
    private readonly string _name;

    private RingBufferReader(EventWaiter waiter, BpfFileDescriptor map, MemoryMapping consumer, MemoryMapping producer, ulong size, string name)
        : base(waiter)
    {
        _map = map;
        _consumer = consumer;
        _producer = producer;
        _mask = size - 1;
        _name = name;
    }

    /// <summary>The size of the data area in bytes (the map's max_entries).</summary>
    public long Size => (long)_mask + 1;

    /// <summary>Opens a reader on <paramref name="map"/>; it holds its own reference, so the map may be disposed first.</summary>
    /// <exception cref="ArgumentException">The map is not a ring buffer.</exception>
    /// <exception cref="EventReaderException">Mapping or watching the ring failed.</exception>
    public static RingBufferReader Open(KernelMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type != MapType.RingBuffer)
            throw new ArgumentException($"map '{map.Name}' is a {map.Type} map, not a ring buffer (BPF_MAP_TYPE_RINGBUF); a perf event array needs {nameof(PerfEventArrayReader)}", nameof(map));
        ulong size = (ulong)map.MaxEntries;
        string name = $"ring buffer '{map.Name}'";
        var own = KernelObjects.OpenById(BpfCommand.MapGetFdById, map.Id)
            ?? throw new EventReaderException($"opening {name} by id {map.Id}", Errno.ENOENT, "the map was freed meanwhile");
        EventWaiter? waiter = null;
        MemoryMapping? consumer = null, producer = null;
        try
        {
            int page = MemoryMapping.PageSize;
            int errno = MemoryMapping.TryMap(own.Value, page, 0, writable: true, out consumer);
            if (errno != 0) throw new EventReaderException($"mmap(consumer page of {name})", errno, MapAdvice(errno));
            errno = MemoryMapping.TryMap(own.Value, page + 2 * (long)size, page, writable: false, out producer);
            if (errno != 0) throw new EventReaderException($"mmap(producer page and data of {name})", errno, MapAdvice(errno));
            waiter = EventWaiter.Create();
            waiter.Add(own.Value, 0);
            return new RingBufferReader(waiter, own, consumer!, producer!, size, name);
        }
        catch
        {
            waiter?.Dispose();
            producer?.Dispose();
            consumer?.Dispose();
            own.Dispose();
            throw;
        }
    }

    private ulong* ConsumerPosition => (ulong*)_consumer.Start;
    private ulong* ProducerPosition => (ulong*)_producer.Start;
    private byte* Data => _producer.Start + MemoryMapping.PageSize;

    private protected override bool HasRecord()
    {
        ulong consumer = Volatile.Read(ref *ConsumerPosition);
        while (consumer < Volatile.Read(ref *ProducerPosition))
        {
            uint length = Volatile.Read(ref *(uint*)(Data + (consumer & _mask)));
            if ((length & RingBufferRecords.BusyBit) != 0) return false;
            if ((length & RingBufferRecords.DiscardBit) == 0) return true;
            consumer += RingBufferRecords.Stride(length);
            Volatile.Write(ref *ConsumerPosition, consumer);
        }
        return false;
    }

    private protected override bool TryTake(out byte[] record)
    {
        ulong consumer = Volatile.Read(ref *ConsumerPosition);
        while (consumer < Volatile.Read(ref *ProducerPosition))
        {
            byte* header = Data + (consumer & _mask);
            uint length = Volatile.Read(ref *(uint*)header);
            if ((length & RingBufferRecords.BusyBit) != 0) break;
            bool discarded = (length & RingBufferRecords.DiscardBit) != 0;
            if (!discarded) record = new ReadOnlySpan<byte>(header + RingBufferRecords.HeaderSize, (int)RingBufferRecords.DataLength(length)).ToArray();
            else record = [];
            consumer += RingBufferRecords.Stride(length);
            Volatile.Write(ref *ConsumerPosition, consumer);
            if (!discarded) return true;
        }
        record = [];
        return false;
    }

    private protected override void Release()
    {
        _producer.Dispose();
        _consumer.Dispose();
        _map.Dispose();
    }

    private protected override string Describe() => _name;

    private static string MapAdvice(int errno) => errno switch
    {
        Errno.EPERM or Errno.EACCES => "mapping a ring buffer needs the rights that created it (root or CAP_BPF)",
        Errno.EINVAL => "the kernel refused the mapping: is this a BPF_MAP_TYPE_RINGBUF map of a kernel that has them (5.8+)?",
        Errno.ENOMEM => "out of address space or memory",
        _ => "",
    };

    /// <inheritdoc />
    public override string ToString() => $"{_name} reader ({Size} bytes)";
}
