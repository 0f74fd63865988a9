using Ebpf.Isa.Text;
using Ebpf.Linux.Events;
using Ebpf.Linux.Kernel;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Events;

/// <summary>The perf-event-array reader against samples an XDP program sends with bpf_perf_event_output during test runs.</summary>
public class PerfEventArrayReaderTests(ITestOutputHelper output)
{
    /// <summary>Sends the packet's first 8 bytes (copied to the stack) to the current CPU's perf event.</summary>
    private static KernelProgram Writer(KernelMap events) => KernelProgram.Load(Assembler.Assemble($"""
        r6 = r1
        r7 = *(u32 *)(r6 + 0)
        r8 = *(u32 *)(r6 + 4)
        r2 = r7
        r2 += 8
        if r2 > r8 goto out
        r9 = *(u64 *)(r7 + 0)
        *(u64 *)(r10 - 8) = r9
        r1 = r6
        r2 = map_fd({events.FileDescriptor}) ll
        r3 = 0xffffffff ll
        r4 = r10
        r4 += -8
        r5 = 8
        call 25
        out:
        r0 = 2
        exit
        """), ProgramTypeId.Xdp, "perf_writer");

    [Fact]
    public void Samples_arrive_in_order_across_wrap_arounds_with_the_kernel_padding()
    {
        if (KernelRequirement.Missing(output)) return;
        using var events = KernelMap.Create(new MapSpec("test_perf", MapType.PerfEventArray, 4, 4, (uint)PossibleCpus.Count));
        using var program = Writer(events);
        using var reader = PerfEventArrayReader.Open(events, pagesPerCpu: 1);
        var values = new List<ulong>();
        // A sample is 8 (header) + 4 (size) + 12 (data padded to 8-byte alignment) = 24 bytes: 1,000 of them wrap a
        // one-page ring several times; reading every 100 keeps it from overflowing.
        for (ulong value = 0; value < 1000; value++)
        {
            var packet = new byte[64];
            BitConverter.TryWriteBytes(packet, value);
            program.TestRun(packet);
            if (value % 100 != 99) continue;
            Assert.True(reader.Poll(TimeSpan.FromSeconds(1)));
            while (reader.TryRead(out byte[] record))
            {
                Assert.Equal(12, record.Length);
                values.Add(BitConverter.ToUInt64(record));
            }
        }
        output.WriteLine($"last sample from CPU {reader.LastCpu}, {reader.LostSamples} lost");
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (ulong)i), values);
        Assert.Equal(0, reader.LostSamples);
        Assert.Contains(reader.LastCpu, reader.Cpus);
    }

    [Fact]
    public void A_full_ring_reports_the_lost_samples_once_it_has_room_again()
    {
        if (KernelRequirement.Missing(output)) return;
        using var events = KernelMap.Create(new MapSpec("test_perf", MapType.PerfEventArray, 4, 4, (uint)PossibleCpus.Count));
        using var program = Writer(events);
        using var reader = PerfEventArrayReader.Open(events, pagesPerCpu: 1);
        const int sent = 1000;
        for (ulong value = 0; value < sent; value++) program.TestRun(Packet(value));
        var values = new List<ulong>();
        while (reader.TryRead(out ulong value)) values.Add(value);
        int fitted = values.Count;
        Assert.Equal(0, reader.LostSamples);
        // The kernel counts what did not fit and writes a PERF_RECORD_LOST before the next sample that fits.
        program.TestRun(Packet(sent));
        while (reader.TryRead(out ulong value)) values.Add(value);
        output.WriteLine($"{fitted} fitted a one-page ring, {reader.LostSamples} lost");
        Assert.Equal(Enumerable.Range(0, fitted).Select(i => (ulong)i).Append((ulong)sent), values);
        Assert.Equal(sent - fitted, reader.LostSamples);
    }

    private static byte[] Packet(ulong value)
    {
        var packet = new byte[64];
        BitConverter.TryWriteBytes(packet, value);
        return packet;
    }

    [Fact]
    public void Disposing_takes_the_events_out_of_the_map_and_the_reader_throws_afterwards()
    {
        if (KernelRequirement.Missing(output)) return;
        using var events = KernelMap.Create(new MapSpec("test_perf", MapType.PerfEventArray, 4, 4, (uint)PossibleCpus.Count));
        var reader = PerfEventArrayReader.Open(events);
        reader.Dispose();
        // Deleting an empty slot of a perf event array fails with ENOENT: the reader took its events out.
        Assert.All(reader.Cpus, cpu => Assert.False(events.Delete(BitConverter.GetBytes(cpu))));
        Assert.Throws<ObjectDisposedException>(() => reader.TryRead(out byte[] _));
    }
}
