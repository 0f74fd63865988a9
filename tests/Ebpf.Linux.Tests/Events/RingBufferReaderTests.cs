using Ebpf.Isa.Text;
using Ebpf.Linux.Events;
using Ebpf.Linux.Kernel;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Events;

/// <summary>
/// The ring-buffer reader against records an XDP program writes during kernel test runs: every submitted record in
/// order (across many wrap-arounds of the ring), discarded records skipped, nothing read after dispose, and a cancelled
/// enumeration that ends cleanly.
/// </summary>
public class RingBufferReaderTests(ITestOutputHelper output)
{
    private const int RingSize = 4096;

    /// <summary>Reserves an 8-byte record holding the packet's first 8 bytes; submits it when that value is even, discards it when odd.</summary>
    private static KernelProgram Writer(KernelMap ring) => KernelProgram.Load(Assembler.Assemble($"""
        r6 = r1
        r7 = *(u32 *)(r6 + 0)
        r8 = *(u32 *)(r6 + 4)
        r2 = r7
        r2 += 8
        if r2 > r8 goto out
        r9 = *(u64 *)(r7 + 0)
        r1 = map_fd({ring.FileDescriptor}) ll
        r2 = 8
        r3 = 0
        call 131
        if r0 == 0 goto out
        *(u64 *)(r0 + 0) = r9
        r1 = r0
        r2 = 0
        r3 = r9
        r3 &= 1
        if r3 != 0 goto discard
        call 132
        goto out
        discard:
        call 133
        out:
        r0 = 2
        exit
        """), ProgramTypeId.Xdp, "ring_writer");

    private static byte[] Packet(ulong value)
    {
        var packet = new byte[64];
        BitConverter.TryWriteBytes(packet, value);
        return packet;
    }

    private static KernelMap Ring() => KernelMap.Create(new MapSpec("test_ring", MapType.RingBuffer, 0, 0, RingSize));

    [Fact]
    public void Submitted_records_arrive_in_order_across_wrap_arounds_and_discarded_ones_are_skipped()
    {
        if (KernelRequirement.Missing(output)) return;
        using var ring = Ring();
        using var program = Writer(ring);
        using var reader = RingBufferReader.Open(ring);
        Assert.Equal(RingSize, reader.Size);
        Assert.False(reader.Poll(TimeSpan.Zero));
        var values = new List<ulong>();
        // 16 bytes per record (header + 8), 100 per batch: 1,600 bytes of a 4,096-byte ring; 1,200 in all wrap it 4 times.
        for (ulong value = 0; value < 1200; value++)
        {
            program.TestRun(Packet(value));
            if (value % 100 != 99) continue;
            Assert.True(reader.Poll(TimeSpan.FromSeconds(1)));
            while (reader.TryRead(out ulong record)) values.Add(record);
        }
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (ulong)i * 2), values);
        Assert.False(reader.TryRead(out byte[] _));
    }

    [Fact]
    public async Task The_async_stream_yields_raw_records_and_a_cancelled_enumeration_ends_without_an_exception()
    {
        if (KernelRequirement.Missing(output)) return;
        using var ring = Ring();
        using var program = Writer(ring);
        using var reader = RingBufferReader.Open(ring);
        using var cancellation = new CancellationTokenSource();
        var records = new List<byte[]>();
        var reading = Task.Run(async () =>
        {
            await foreach (var record in reader.ReadAllAsync(cancellation.Token)) records.Add(record.ToArray());
        });
        foreach (ulong value in new ulong[] { 10, 11, 12 }) program.TestRun(Packet(value));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref records).Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(10);
        cancellation.Cancel();
        await reading.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([BitConverter.GetBytes(10UL), BitConverter.GetBytes(12UL)], records);
    }

    [Fact]
    public async Task A_disposed_reader_throws_and_a_waiting_enumeration_ends_with_object_disposed()
    {
        if (KernelRequirement.Missing(output)) return;
        using var ring = Ring();
        var reader = RingBufferReader.Open(ring);
        var waiting = Task.Run(async () =>
        {
            await foreach (var _ in reader.ReadAllAsync()) { }
        });
        await Task.Delay(200);
        reader.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Throws<ObjectDisposedException>(() => reader.TryRead(out byte[] _));
        Assert.Throws<ObjectDisposedException>(() => reader.Poll(TimeSpan.Zero));
        reader.Dispose();
    }

    [Fact]
    public void Poll_waits_for_the_timeout_when_no_record_comes()
    {
        if (KernelRequirement.Missing(output)) return;
        using var ring = Ring();
        using var reader = RingBufferReader.Open(ring);
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(reader.Poll(TimeSpan.FromMilliseconds(300)));
        Assert.InRange(started.ElapsedMilliseconds, 250, 5000);
    }

    [Fact]
    public void A_typed_read_of_a_record_shorter_than_the_type_names_both_sizes()
    {
        if (KernelRequirement.Missing(output)) return;
        using var ring = Ring();
        using var program = Writer(ring);
        using var reader = RingBufferReader.Open(ring);
        program.TestRun(Packet(4));
        var error = Assert.Throws<EventReaderException>(() => reader.TryRead(out ExecEvent _));
        output.WriteLine(error.Message);
        Assert.Contains("the record has 8 bytes but ExecEvent needs 160", error.Message);
    }

    [Fact]
    public void Opening_a_map_of_another_type_says_which_reader_fits()
    {
        if (KernelRequirement.Missing(output)) return;
        using var array = KernelMap.Create(new MapSpec("not_a_ring", MapType.Array, 4, 8, 1));
        var error = Assert.Throws<ArgumentException>(() => RingBufferReader.Open(array));
        Assert.Contains("not a ring buffer", error.Message);
        Assert.Throws<ArgumentException>(() => PerfEventArrayReader.Open(array));
    }
}
