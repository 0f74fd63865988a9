using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>RINGBUF: record layout, reserve/submit/discard order, space accounting, query, notifications.</summary>
public class RingBufferMapTests
{
    private static RingBufferMap Ring(uint size = 4096) => (RingBufferMap)Create(MapType.RingBuffer, 0, 0, size);

    private static unsafe void Fill(nint record, int length, byte value) => new Span<byte>((void*)record, length).Fill(value);

    private static List<byte[]> DrainAll(RingBufferMap ring)
    {
        var records = new List<byte[]>();
        ring.Drain(data => records.Add(data.ToArray()));
        return records;
    }

    [Fact]
    public void Records_have_an_8_byte_header_and_are_rounded_up_to_8_bytes()
    {
        using var ring = Ring();
        nint first = ring.Reserve(5);
        Assert.NotEqual(0, first);
        Assert.Equal(0, first % 8);
        Assert.True(ring.ContainsValue((ulong)first, 5, out bool writable) && writable);
        unsafe { Assert.Equal(5u | RingBufferMap.BusyBit, *(uint*)(first - 8)); }
        nint second = ring.Reserve(1);
        Assert.Equal(16, second - first);
        Assert.Equal(32UL, ring.Query((ulong)RingBufferQuery.ProducerPosition));
        Assert.Equal(32UL, ring.Query((ulong)RingBufferQuery.AvailableData));
        Assert.Equal(4096UL, ring.Query((ulong)RingBufferQuery.RingSize));
        Assert.Equal(0UL, ring.Query((ulong)RingBufferQuery.ConsumerPosition));
        Assert.Equal(0UL, ring.Query(99));
        ring.Submit(first);
        ring.Submit(second);
        Assert.Equal(2, DrainAll(ring).Count);
        Assert.Equal(32UL, ring.Query((ulong)RingBufferQuery.ConsumerPosition));
        Assert.Equal(0UL, ring.Query((ulong)RingBufferQuery.AvailableData));
    }

    [Fact]
    public void The_consumer_sees_records_in_reservation_order_waits_for_reserved_ones_and_skips_discarded_ones()
    {
        using var ring = Ring();
        nint a = ring.Reserve(4), b = ring.Reserve(4), c = ring.Reserve(4);
        Fill(a, 4, 0xA);
        Fill(b, 4, 0xB);
        Fill(c, 4, 0xC);
        ring.Submit(c);
        Assert.Empty(DrainAll(ring));          // a is still reserved
        ring.Discard(b);
        Assert.Empty(DrainAll(ring));
        ring.Submit(a);
        var records = DrainAll(ring);
        Assert.Equal([0xA, 0xC], records.Select(r => (int)r[0]));
        Assert.All(records, r => Assert.Equal(4, r.Length));
    }

    [Fact]
    public void Reserve_fails_when_the_ring_would_fill_and_succeeds_again_after_consumption()
    {
        using var ring = Ring();
        // 4096-byte ring: a record of 2040 data bytes takes 2048; the kernel keeps used space strictly below the size.
        nint first = ring.Reserve(2040);
        Assert.NotEqual(0, first);
        Assert.Equal(0, ring.Reserve(2040));
        nint second = ring.Reserve(2032);
        Assert.NotEqual(0, second);
        Assert.Equal(0, ring.Reserve(0));
        ring.Submit(first);
        ring.Submit(second);
        Assert.Equal(2, DrainAll(ring).Count);
        nint wrapped = ring.Reserve(4000);
        Assert.NotEqual(0, wrapped);
        Assert.True(ring.ContainsValue((ulong)wrapped, 4000, out _));
        Fill(wrapped, 4000, 7);
        ring.Submit(wrapped);
        var record = Assert.Single(DrainAll(ring));
        Assert.All(record, b => Assert.Equal(7, b));
    }

    [Fact]
    public void An_oversized_or_flagged_reserve_gives_0_and_output_gives_the_kernel_errnos()
    {
        using var ring = Ring();
        Assert.Equal(0, ring.Reserve(4096));
        Assert.Equal(0, ring.Reserve(8, flags: 1));
        Assert.Equal(-Errno.EINVAL, ring.Output([1, 2, 3], flags: 4));
        Assert.Equal(0, ring.Output([1, 2, 3], (ulong)RingBufferFlags.NoWakeup));
        Assert.Equal(-Errno.EAGAIN, ring.Output(new byte[4072])); // 16 used + 4080 would reach the ring size
        Assert.True(ring.TryRead(out var record));
        Assert.Equal([1, 2, 3], record);
        Assert.False(ring.TryRead(out _));
    }

    [Fact]
    public void Submitting_an_address_that_is_not_a_reserved_record_is_refused()
    {
        using var ring = Ring();
        nint record = ring.Reserve(8);
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => ring.Submit(record + 8)));
        ring.Submit(record);
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => ring.Submit(record)));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => ring.Discard(0)));
    }

    [Fact]
    public void The_generic_map_api_is_not_supported()
    {
        using var ring = Ring();
        Assert.Equal(Errno.ENOTSUPP, ErrnoOf(() => ring.Lookup([], [])));
        Assert.Equal(-Errno.ENOTSUPP, ProgramUpdate(ring, [], []));
    }

    [Fact]
    public async Task The_async_reader_wakes_for_adaptive_and_forced_notifications()
    {
        using var ring = Ring();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var reader = Task.Run(async () =>
        {
            var seen = new List<byte>();
            await foreach (var record in ring.ReadAllAsync(cancel.Token))
            {
                seen.Add(record[0]);
                if (seen.Count == 3) break;
            }
            return seen;
        });
        Assert.Equal(0, ring.Output([1]));
        await Task.Delay(50);
        Assert.Equal(0, ring.Output([2], (ulong)RingBufferFlags.ForceWakeup));
        await Task.Delay(50);
        Assert.Equal(0, ring.Output([3]));
        Assert.Equal([1, 2, 3], await reader);
    }

    [Fact]
    public async Task No_wakeup_records_are_read_on_the_next_notification()
    {
        using var ring = Ring();
        Assert.Equal(0, ring.Output([1], (ulong)RingBufferFlags.NoWakeup));
        Assert.False(await ring.WaitForDataAsync(TimeSpan.Zero));
        Assert.Equal(0, ring.Output([2], (ulong)RingBufferFlags.ForceWakeup));
        Assert.True(await ring.WaitForDataAsync(TimeSpan.Zero));
        Assert.Equal(2, DrainAll(ring).Count);
    }

    [Fact]
    public async Task Concurrent_producers_and_one_consumer_see_every_record_exactly_once()
    {
        using var ring = Ring(1 << 16);
        const int producers = 4, perProducer = 20_000;
        var received = new List<(int Producer, int Sequence)>();
        using var done = new CancellationTokenSource();
        var consumer = Task.Run(() =>
        {
            while (received.Count < producers * perProducer)
            {
                ring.Drain(data => received.Add((data[0], BitConverter.ToInt32(data[4..]))));
                if (done.IsCancellationRequested && ring.Query((ulong)RingBufferQuery.AvailableData) == 0) break;
            }
        });
        Parallel.For(0, producers, new ParallelOptions { MaxDegreeOfParallelism = producers }, producer =>
        {
            var record = new byte[8 + producer * 3];
            record[0] = (byte)producer;
            for (int sequence = 0; sequence < perProducer; sequence++)
            {
                BitConverter.TryWriteBytes(record.AsSpan(4), sequence);
                while (ring.Output(record) == -Errno.EAGAIN) Thread.Yield();
            }
        });
        done.Cancel();
        await consumer.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(producers * perProducer, received.Count);
        foreach (var group in received.GroupBy(r => r.Producer))
            Assert.Equal(Enumerable.Range(0, perProducer), group.Select(r => r.Sequence));
    }
}
