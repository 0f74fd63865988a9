using Ebpf.Capture;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;

namespace Ebpf.TestRuns;

/// <summary>
/// Runs a packet program over every record of a capture, each as one user-space BPF_PROG_TEST_RUN of its Ethernet
/// form (see <see cref="EthernetFrames"/>), and writes the packets the verdicts send on, after the program's rewrites.
/// With several processor slots, packets are spread by <see cref="FlowHash"/> (as RSS spreads them over receive
/// queues) and each slot runs on its own thread with its own <see cref="RunContext.ProcessorSlot"/>, so per-CPU maps
/// are per slot. Packets are read and results written in batches, in file order, whatever the number of slots.
/// </summary>
public sealed class CaptureRunner
{
    private readonly IExecutableProgram _program;
    private readonly ProgramType _type;

    /// <summary>Prepares runs of <paramref name="program"/>, of type <paramref name="type"/>, on <paramref name="processorSlots"/> slots.</summary>
    public CaptureRunner(IExecutableProgram program, ProgramType type, int processorSlots = 1)
    {
        _program = program ?? throw new ArgumentNullException(nameof(program));
        _type = type ?? throw new ArgumentNullException(nameof(type));
        if (type.Packet == PacketLayout.None) throw new ArgumentException($"{type.Name} programs take no packets", nameof(type));
        ArgumentOutOfRangeException.ThrowIfLessThan(processorSlots, 1);
        ProcessorSlots = processorSlots;
    }

    /// <summary>The number of processor slots (threads) packets are spread over.</summary>
    public int ProcessorSlots { get; }

    /// <summary>Packets read before the slots run them (and results are written); larger batches cost memory, smaller ones synchronisation.</summary>
    public int BatchSize { get; init; } = 2048;

    /// <summary>
    /// Called on the reading thread, in capture order, with each frame a verdict transmits (XDP_TX, XDP_REDIRECT,
    /// TC_ACT_REDIRECT) after the program's rewrites: a live run sends them back out of the interface.
    /// </summary>
    public Action<byte[]>? Transmit { get; init; }

    /// <summary>The processor slot of a frame: its flow hash scaled onto the slots.</summary>
    public int SlotOf(ReadOnlySpan<byte> frame) => (int)(((ulong)FlowHash.Of(frame) * (ulong)ProcessorSlots) >> 32);

    /// <summary>
    /// Runs the program over every packet of <paramref name="reader"/>. Damage in the file ends the run early but
    /// the packets before it are run and written; the summary holds the error.
    /// </summary>
    /// <param name="reader">The capture.</param>
    /// <param name="writer">Where the packets the verdicts send on go (Ethernet frames), or null.</param>
    /// <param name="progress">Called after each batch with the number of file bytes consumed.</param>
    public CaptureRunSummary Run(ICaptureReader reader, ICaptureWriter? writer = null, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var tally = new Tally(_type, ProcessorSlots, Transmit);
        CaptureFormatException? formatError = null;
        var slots = new TestRunSlot[ProcessorSlots];
        for (int slot = 0; slot < slots.Length; slot++) slots[slot] = new TestRunSlot(_type, slot);
        // Two batches in flight: the slots run one while this thread reads the next, then results are tallied in order.
        bool keepPackets = writer is not null || Transmit is not null;
        var current = new Batch(BatchSize) { KeepsPackets = keepPackets };
        var next = new Batch(BatchSize) { KeepsPackets = keepPackets };
        bool ended = false;
        void Fill(Batch batch)
        {
            batch.Count = 0;
            if (ended) return;
            try
            {
                while (batch.Count < batch.Capacity && reader.TryRead(out var packet)) batch.Add(packet, this);
                ended = batch.Count < batch.Capacity;
            }
            catch (CaptureFormatException e)
            {
                formatError = e;
                ended = true;
            }
        }
        try
        {
            Fill(current);
            while (current.Count > 0)
            {
                var batch = current;
                var running = Task.Run(() => RunBatch(batch, slots));
                Exception? readFailure = null;
                try
                {
                    Fill(next);
                }
                catch (Exception e)
                {
                    readFailure = e;
                }
                // The slots' frames are freed below: never before the batch running on them has finished.
                running.Wait();
                if (readFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(readFailure).Throw();
                tally.Add(current, writer);
                progress?.Invoke(reader.Position);
                (current, next) = (next, current);
            }
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        finally
        {
            foreach (var slot in slots) slot.Dispose();
        }
        writer?.Flush();
        return tally.Summary(System.Diagnostics.Stopwatch.GetElapsedTime(started), formatError);
    }

    private void RunBatch(Batch batch, TestRunSlot[] slots)
    {
        if (ProcessorSlots == 1)
        {
            for (int i = 0; i < batch.Count; i++) RunOne(batch, i, slots[0]);
            return;
        }
        Parallel.For(0, ProcessorSlots, new ParallelOptions { MaxDegreeOfParallelism = ProcessorSlots }, slot =>
        {
            for (int i = 0; i < batch.Count; i++)
                if (batch.Slots[i] == slot) RunOne(batch, i, slots[slot]);
        });
    }

    private void RunOne(Batch batch, int i, TestRunSlot slot)
    {
        if (batch.Frames[i] is not { } frame) return;
        try
        {
            var result = slot.Run(_program, frame, batch.KeepsPackets);
            batch.Results[i] = new Outcome(null, 0, result.ReturnValue, result.DataOut, null);
        }
        catch (TestRunException e)
        {
            batch.Results[i] = new Outcome(PacketProblemKind.Refused, e.Errno, 0, null, e.Message);
        }
        catch (ProgramFaultException e)
        {
            batch.Results[i] = new Outcome(PacketProblemKind.Faulted, Ebpf.Maps.Errno.EFAULT, 0, null, e.Message);
        }
    }

    /// <summary>What one packet's run gave: a problem, or a return value and the packet afterwards.</summary>
    private readonly record struct Outcome(PacketProblemKind? Problem, int Errno, uint ReturnValue, byte[]? DataOut, string? Message);

    /// <summary>One batch of packets: their records, Ethernet frames, slots and outcomes.</summary>
    private sealed class Batch(int capacity)
    {
        public int Capacity { get; } = Math.Max(1, capacity);

        /// <summary>Whether the packets after the runs are needed (for a writer or for transmitting).</summary>
        public bool KeepsPackets { get; set; } = true;
        public int Count;
        public readonly CapturedPacket[] Packets = new CapturedPacket[Math.Max(1, capacity)];
        public readonly byte[]?[] Frames = new byte[]?[Math.Max(1, capacity)];
        public readonly int[] Slots = new int[Math.Max(1, capacity)];
        public readonly Outcome[] Results = new Outcome[Math.Max(1, capacity)];

        public void Add(in CapturedPacket packet, CaptureRunner runner)
        {
            int i = Count++;
            Packets[i] = packet;
            var frame = EthernetFrames.ToEthernet(packet, out string? reason);
            Frames[i] = frame;
            Slots[i] = frame is null ? -1 : runner.SlotOf(frame);
            Results[i] = frame is null ? new Outcome(PacketProblemKind.Unconvertible, 0, 0, null, reason) : default;
        }
    }

    /// <summary>The running counts, updated in file order on the reading thread.</summary>
    private sealed class Tally(ProgramType type, int slots, Action<byte[]>? transmit)
    {
        private readonly SortedDictionary<uint, (long Packets, long Bytes)> _verdicts = new();
        private readonly Dictionary<(PacketProblemKind, int), PacketProblemCount> _problems = new();
        private readonly long[] _perSlot = new long[slots];
        private long _packets, _bytes, _written;

        public void Add(Batch batch, ICaptureWriter? writer)
        {
            for (int i = 0; i < batch.Count; i++)
            {
                var packet = batch.Packets[i];
                var outcome = batch.Results[i];
                long length = batch.Frames[i]?.Length ?? packet.Data.Length;
                _packets++;
                _bytes += length;
                if (batch.Slots[i] >= 0) _perSlot[batch.Slots[i]]++;
                if (outcome.Problem is { } kind)
                {
                    var key = (kind, outcome.Errno);
                    _problems[key] = _problems.TryGetValue(key, out var seen)
                        ? seen with { Packets = seen.Packets + 1, Bytes = seen.Bytes + length }
                        : new PacketProblemCount(kind, outcome.Errno, 1, length, packet.Record, outcome.Message ?? "");
                    continue;
                }
                _verdicts[outcome.ReturnValue] = _verdicts.TryGetValue(outcome.ReturnValue, out var counts)
                    ? (counts.Packets + 1, counts.Bytes + length)
                    : (1, length);
                if (transmit is not null && PacketVerdicts.Transmits(type, outcome.ReturnValue)) transmit(outcome.DataOut!);
                if (writer is null) continue;
                var dataOut = outcome.DataOut!;
                if (type.Packet == PacketLayout.SkbFromNetworkLayer) dataOut = batch.Frames[i]!; // socket filters cannot rewrite; the test run zeroes the Ethernet header
                int forwarded = PacketVerdicts.ForwardedLength(type, outcome.ReturnValue, dataOut.Length);
                if (forwarded == 0) continue;
                var output = forwarded == dataOut.Length ? dataOut : dataOut[..forwarded];
                writer.Write(new CapturedPacket(packet.TimestampNanoseconds, LinkType.Ethernet, output, output.Length, 0, packet.Record));
                _written++;
            }
        }

        public CaptureRunSummary Summary(TimeSpan elapsed, CaptureFormatException? formatError) => new(
            _packets, _bytes,
            [.. _verdicts.Select(v => new VerdictCount(v.Key, PacketVerdicts.Name(type, v.Key), v.Value.Packets, v.Value.Bytes))],
            [.. _problems.Values.OrderBy(p => p.Kind).ThenBy(p => p.Errno)],
            _perSlot, _written, elapsed, formatError);
    }
}
