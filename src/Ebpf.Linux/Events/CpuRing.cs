using System.Buffers.Binary;

namespace Ebpf.Linux.Events;

/// <summary>
/// One CPU's BPF output perf event and its mapped ring: the kernel advances <c>data_head</c> as it writes records,
/// this side reads them (a record may wrap around the end of the ring) and advances <c>data_tail</c> with release
/// semantics to give the space back.
/// </summary>
internal sealed unsafe class CpuRing : IDisposable
{
    private const int HeaderSize = 8; // struct perf_event_header: u32 type, u16 misc, u16 size

    private readonly MemoryMapping _mapping;
    private readonly ulong _dataOffset;
    private readonly ulong _dataSize;

    private CpuRing(int cpu, LinuxFileDescriptor perfEvent, MemoryMapping mapping)
    {
        Cpu = cpu;
        Event = perfEvent;
        _mapping = mapping;
        ulong offset = *(ulong*)(mapping.Start + PerfEventConstants.DataOffsetOffset);
        ulong size = *(ulong*)(mapping.Start + PerfEventConstants.DataSizeOffset);
        // Kernels before 4.1 leave data_offset/data_size zero: the data then starts after the first page.
        _dataOffset = offset != 0 ? offset : (ulong)MemoryMapping.PageSize;
        _dataSize = size != 0 ? size : (ulong)(mapping.Length - MemoryMapping.PageSize);
    }

    public int Cpu { get; }

    public LinuxFileDescriptor Event { get; }

    /// <summary>Opens CPU <paramref name="cpu"/>'s BPF output event, maps its ring and enables it.</summary>
    public static CpuRing Open(int cpu, int pages, string name)
    {
        var attr = new PerfEventAttr
        {
            Type = PerfEventConstants.TypeSoftware,
            Config = PerfEventConstants.CountSoftwareBpfOutput,
            SampleType = PerfEventConstants.SampleRaw,
            SamplePeriod = 1,
            WakeupEvents = 1,
        };
        int errno = PerfEvents.TryOpen(ref attr, cpu, out var fd);
        if (errno != 0) throw new EventReaderException($"perf_event_open(PERF_COUNT_SW_BPF_OUTPUT, CPU {cpu}) for {name}", errno, PerfEvents.Advice(errno));
        try
        {
            errno = MemoryMapping.TryMap(fd!.Value, (long)(pages + 1) * MemoryMapping.PageSize, 0, writable: true, out var mapping);
            if (errno != 0) throw new EventReaderException($"mmap(CPU {cpu}'s perf ring of {name})", errno,
                errno == Errno.EPERM ? "the ring exceeds kernel.perf_event_mlock_kb: use fewer pages per CPU or run as root" : "");
            var ring = new CpuRing(cpu, fd, mapping!);
            errno = PerfEvents.TryIoctl(fd, PerfEventConstants.IoctlEnable, 0);
            if (errno != 0)
            {
                ring.Dispose();
                throw new EventReaderException($"ioctl(PERF_EVENT_IOC_ENABLE, CPU {cpu}) for {name}", errno, "");
            }
            return ring;
        }
        catch
        {
            fd!.Dispose();
            throw;
        }
    }

    private ulong* Head => (ulong*)(_mapping.Start + PerfEventConstants.DataHeadOffset);
    private ulong* Tail => (ulong*)(_mapping.Start + PerfEventConstants.DataTailOffset);
    private byte* Data => _mapping.Start + _dataOffset;

    /// <summary>Whether a whole record is ready, and its type.</summary>
    public bool Peek(out uint type)
    {
        ulong tail = Volatile.Read(ref *Tail);
        if (tail >= Volatile.Read(ref *Head))
        {
            type = 0;
            return false;
        }
        Span<byte> header = stackalloc byte[HeaderSize];
        Copy(tail, header);
        type = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return true;
    }

    /// <summary>Passes over the next record; for PERF_RECORD_LOST returns how many samples it says were lost.</summary>
    public long Skip()
    {
        byte[] record = TakeRecord();
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(record);
        // PERF_RECORD_LOST: header, u64 id, u64 lost.
        return type == PerfEventConstants.RecordLost && record.Length >= 24 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(16)) : 0;
    }

    /// <summary>Takes the next record, a PERF_RECORD_SAMPLE, and returns its raw data (header, then u32 size, then data).</summary>
    public byte[] TakeSample()
    {
        byte[] record = TakeRecord();
        if (record.Length < HeaderSize + 4) return [];
        int size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(HeaderSize)), (uint)(record.Length - HeaderSize - 4));
        return record.AsSpan(HeaderSize + 4, size).ToArray();
    }

    private byte[] TakeRecord()
    {
        ulong tail = Volatile.Read(ref *Tail);
        Span<byte> header = stackalloc byte[HeaderSize];
        Copy(tail, header);
        int size = Math.Max(BinaryPrimitives.ReadUInt16LittleEndian(header[6..]), (ushort)HeaderSize);
        var record = new byte[size];
        Copy(tail, record);
        Volatile.Write(ref *Tail, tail + (ulong)size);
        return record;
    }

    /// <summary>Copies bytes from ring position <paramref name="position"/>, wrapping around the end of the data area.</summary>
    private void Copy(ulong position, Span<byte> into)
    {
        int start = (int)(position % _dataSize);
        int first = Math.Min(into.Length, (int)_dataSize - start);
        new ReadOnlySpan<byte>(Data + start, first).CopyTo(into);
        if (first < into.Length) new ReadOnlySpan<byte>(Data, into.Length - first).CopyTo(into[first..]);
    }

    public void Dispose()
    {
        if (!Event.IsClosed) PerfEvents.TryIoctl(Event, PerfEventConstants.IoctlDisable, 0);
        _mapping.Dispose();
        Event.Dispose();
    }
}
