using Ebpf.Linux.Events;

namespace Ebpf.Linux.Tests.Events;

/// <summary>The ring buffer's record header arithmetic (kernel/bpf/ringbuf.c: length word, flag bits, 8-byte alignment).</summary>
public class RingBufferRecordsTests
{
    [Theory]
    [InlineData(0u, 0u, 8UL)]
    [InlineData(1u, 1u, 16UL)]
    [InlineData(8u, 8u, 16UL)]
    [InlineData(9u, 9u, 24UL)]
    [InlineData(160u, 160u, 168UL)]
    [InlineData(0x4000_0010u, 16u, 24UL)]  // discarded: the space is still passed over
    [InlineData(0x8000_0003u, 3u, 16UL)]   // busy: the length is already there
    public void Length_and_stride_come_from_the_length_word(uint word, uint length, ulong stride)
    {
        Assert.Equal(length, RingBufferRecords.DataLength(word));
        Assert.Equal(stride, RingBufferRecords.Stride(word));
    }
}
