namespace Ebpf.Linux.Events;

/// <summary>
/// How a BPF ring buffer lays out its records (kernel/bpf/ringbuf.c): an 8-byte header whose first word is the length
/// with two flag bits on top (BUSY while the producer still writes, DISCARD for a record the program threw away), then
/// the data, padded so that the next header starts 8-byte aligned.
/// </summary>
public static class RingBufferRecords
{
    /// <summary>BPF_RINGBUF_BUSY_BIT: the record is reserved but not yet committed.</summary>
    public const uint BusyBit = 1u << 31;

    /// <summary>BPF_RINGBUF_DISCARD_BIT: the record was discarded; skip it.</summary>
    public const uint DiscardBit = 1u << 30;

    /// <summary>BPF_RINGBUF_HDR_SZ: the header before each record's data.</summary>
    public const int HeaderSize = 8;

    /// <summary>The data length a header's length word gives, without the flag bits.</summary>
    public static uint DataLength(uint lengthWord) => lengthWord & ~(BusyBit | DiscardBit);

    /// <summary>How far the consumer position moves past a committed record: header plus data, rounded up to 8 bytes.</summary>
    public static ulong Stride(uint lengthWord) => (DataLength(lengthWord) + HeaderSize + 7UL) & ~7UL;
}
