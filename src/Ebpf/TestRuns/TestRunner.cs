using System.Buffers.Binary;
using System.Diagnostics;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using KnownSkBuff = Ebpf.ProgramTypes.SkBuffContext;

namespace Ebpf.TestRuns;

/// <summary>
/// The user-space BPF_PROG_TEST_RUN: builds the context and packet the way the kernel does for the program's type,
/// runs the program, and returns the return value and the packet afterwards. Prepare the program with
/// <see cref="OptionsFor"/> so that loads of <c>data</c>/<c>data_end</c> give host pointers.
/// </summary>
public static unsafe class TestRunner
{
    /// <summary>ETH_HLEN: the kernel refuses packets shorter than an Ethernet header.</summary>
    public const int EthernetHeaderLength = 14;

    /// <summary>The most fragment bytes an XDP test run takes: MAX_SKB_FRAGS (17) pages.</summary>
    private const int MaxFragmentBytes = 17 * PacketFrame.FrameSize;

    /// <summary>NET_SKB_PAD: the headroom of a test-run skb.</summary>
    public const int SkbHeadroom = 64;

    /// <summary>Execution options for a program of <paramref name="type"/>: its context pointer fields, on top of <paramref name="options"/>.</summary>
    public static ExecutionOptions OptionsFor(ProgramType type, ExecutionOptions? options = null) =>
        (options ?? new ExecutionOptions()) with { ContextPointerFields = type.PointerFieldOffsets };

    /// <summary>Runs <paramref name="program"/> on <paramref name="data"/> <paramref name="repeat"/> times, as the kernel's test run without a context.</summary>
    /// <param name="program">The prepared program (see <see cref="OptionsFor"/>).</param>
    /// <param name="type">Its program type, which decides how packet and context are built.</param>
    /// <param name="data">The packet, from its Ethernet header.</param>
    /// <param name="repeat">How many times to run it; the duration is the mean.</param>
    /// <param name="processorSlot">The processor slot the runs use.</param>
    /// <param name="context">
    /// A context to run with, for the host's settings (<see cref="RunContext.TraceSink"/>, <see cref="RunContext.Task"/>,
    /// <see cref="RunContext.ProbeMemory"/>); the test run clears and fills everything else. Null: a fresh one.
    /// </param>
    /// <exception cref="TestRunException">The kernel would refuse the input (EINVAL), e.g. a packet shorter than 14 bytes.</exception>
    /// <exception cref="ProgramFaultException">A run faulted.</exception>
    public static TestRunResult Run(IExecutableProgram program, ProgramType type, ReadOnlySpan<byte> data, int repeat = 1, int processorSlot = 0,
        RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.Packet == PacketLayout.None) throw new TestRunException(Errno.ENOTSUPP, $"test runs of {type.Name} programs take no packet");
        return Run(program, type, new TestRunInput { Data = data.ToArray(), Repeat = repeat, ProcessorSlot = processorSlot, Context = context });
    }

    /// <summary>
    /// Runs <paramref name="program"/> on <paramref name="input"/> as the kernel's BPF_PROG_TEST_RUN does for
    /// <paramref name="type"/>: packet types take data and optionally a context in and out (<c>__sk_buff</c>,
    /// <c>xdp_md</c>); raw tracepoints take their arguments only; host-supplied and raw contexts take the context bytes.
    /// </summary>
    /// <exception cref="TestRunException">The kernel would refuse the input (EINVAL, E2BIG, ENODEV).</exception>
    /// <exception cref="ProgramFaultException">A run faulted.</exception>
    public static TestRunResult Run(IExecutableProgram program, ProgramType type, TestRunInput input)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(input);
        if (type.Packet == PacketLayout.None) return ContextOnlyRun.Run(program, type, input);
        return RunPacket(program, type, input);
    }

    private static TestRunResult RunPacket(IExecutableProgram program, ProgramType type, TestRunInput input)
    {
        var setup = CheckPacket(type, input.Data, input.ContextIn, input.ContextOut);
        using var frame = new PacketFrame(type.ContextSize, type.Packet);
        var context = input.Context ?? new RunContext();
        using var release = new ClearOnExit(context);   // disposed before the frame: no region of the context outlives it
        return RunIn(frame, context, program, type, input.Data, setup, Math.Max(1, input.Repeat), input.ProcessorSlot, input.ContextOut);
    }

    /// <summary>What <see cref="CheckPacket"/> learned from a packet run's input: the context in, and how the data splits.</summary>
    /// <param name="Context">The context in (a <c>__sk_buff</c> or <c>xdp_md</c>), or null when the run has none.</param>
    /// <param name="Metadata">XDP metadata bytes at the front of the data.</param>
    /// <param name="Linear">The bytes the program sees; XDP bytes past them are the kernel's fragments.</param>
    internal readonly record struct PacketSetup(byte[]? Context, int Metadata, int Linear);

    /// <summary>
    /// Refuses what the kernel's test run refuses for a packet type (EINVAL for a packet of the wrong size, the context
    /// rules of <c>__sk_buff</c> and <c>xdp_md</c>), and says how the run lays the input out.
    /// </summary>
    internal static PacketSetup CheckPacket(ProgramType type, ReadOnlySpan<byte> data, byte[]? contextIn = null, bool contextOut = false)
    {
        if (type.Packet == PacketLayout.None) throw new TestRunException(Errno.ENOTSUPP, $"test runs of {type.Name} programs take no packet");
        bool xdp = type.Packet == PacketLayout.Xdp;
        if (data.Length < EthernetHeaderLength)
            throw new TestRunException(Errno.EINVAL,
                $"a {type.Name} test run takes {EthernetHeaderLength} to {PacketFrame.FrameSize - (xdp ? PacketFrame.XdpHeadroom : SkbHeadroom) - PacketFrame.Tailroom} bytes of packet (an Ethernet frame), not {data.Length}");
        byte[]? ctx = null;
        int metadata = 0, linear = data.Length;
        if (contextIn is not null || contextOut)
        {
            if (xdp) (ctx, metadata, linear) = XdpContextIn.Read(type, contextIn, data.Length);
            else ctx = SkBuffContextIn.Read(type, contextIn);
        }
        int headroom = xdp ? PacketFrame.XdpHeadroom - metadata : SkbHeadroom;
        int maxSize = PacketFrame.FrameSize - headroom - PacketFrame.Tailroom;
        if (linear > maxSize || data.Length - linear > MaxFragmentBytes)
            throw new TestRunException(Errno.EINVAL,
                $"a {type.Name} test run takes {EthernetHeaderLength} to {maxSize} bytes of packet (an Ethernet frame), not {linear}");
        if (!xdp) CheckNetworkHeader(type, data);
        return new PacketSetup(ctx, metadata, linear);
    }

    /// <summary>
    /// Runs on a checked packet in <paramref name="frame"/> and <paramref name="context"/>, both (re)initialised here
    /// exactly as fresh ones would be (the context keeps its host settings), so a caller may reuse them for many packets
    /// on one thread. Without <paramref name="copyDataOut"/> the result's DataOut is empty (for callers that only count).
    /// </summary>
    internal static TestRunResult RunIn(PacketFrame frame, RunContext context, IExecutableProgram program, ProgramType type,
        ReadOnlySpan<byte> input, PacketSetup setup, int repeat, int processorSlot, bool contextOut, bool copyDataOut = true)
    {
        bool xdp = type.Packet == PacketLayout.Xdp;
        byte[]? ctx = setup.Context;
        // XDP: bytes past ctx->data_end are the kernel's fragments; the program sees only the linear part, and they come back unchanged.
        ReadOnlySpan<byte> fragments = input[setup.Linear..];
        ReadOnlySpan<byte> data = input[..setup.Linear];
        int headroom = xdp ? PacketFrame.XdpHeadroom - setup.Metadata : SkbHeadroom;

        new Span<byte>(frame.Start, PacketFrame.FrameSize).Clear();
        new Span<byte>(frame.Context, frame.ContextSize).Clear();
        frame.Redirect = null;
        ulong frameData = (ulong)frame.Start + (ulong)headroom;
        data.CopyTo(new Span<byte>((void*)frameData, data.Length));
        frame.DataMeta = frameData;
        frame.Data = frameData + (ulong)setup.Metadata;
        frame.DataEnd = frameData + (ulong)data.Length;
        bool networkLayer = type.Packet == PacketLayout.SkbFromNetworkLayer;
        if (networkLayer) frame.Data += EthernetHeaderLength;
        if (!xdp) frame.DataMeta = frame.Data;

        context.Clear();
        context.ProcessorSlot = processorSlot;
        context.AddRegion((nint)frame.Start, PacketFrame.FrameSize, writable: true, "packet");
        context.AddRegion((nint)frame.Context, type.ContextSize, writable: true, "context");
        context.R1 = (ulong)frame.Context;
        context.ContextAddress = (ulong)frame.Context;
        context.HostState = frame;
        frame.Moved = () => Publish(frame, type, context);
        if (xdp) FillXdpContext(frame, type, ctx);
        else
        {
            FillSkbContext(frame, data);
            if (ctx is not null) SkBuffContextIn.Apply(type, ctx, frame.Context, (uint)(frame.DataEnd - frame.Data));
        }
        Publish(frame, type, context);

        ulong r0 = 0;
        var started = Stopwatch.GetTimestamp();
        for (int i = 0; i < repeat; i++) r0 = program.Run(context);
        long duration = (long)(Stopwatch.GetElapsedTime(started).TotalNanoseconds / repeat);

        byte[] dataOut = !copyDataOut ? []
            : networkLayer ? [.. new byte[EthernetHeaderLength], .. frame.Packet]   // the kernel hands the pulled Ethernet header back as zeros
            : xdp ? [.. new ReadOnlySpan<byte>((void*)frame.DataMeta, (int)(frame.DataEnd - frame.DataMeta)), .. fragments] // from data_meta, as bpf_test_finish copies
            : frame.Packet.ToArray();
        byte[]? ctxOut = ctx is null || !contextOut ? null
            : xdp ? XdpContextIn.Write(ctx, frame) : SkBuffContextIn.Write(ctx, frame.Context);
        return new TestRunResult((uint)r0, dataOut, duration) { ContextOut = ctxOut, Redirect = frame.Redirect };
    }

    /// <summary>Clears a run context when the test run ends, so that a caller's context keeps no pointer into the freed frame.</summary>
    internal readonly struct ClearOnExit(RunContext context) : IDisposable
    {
        public void Dispose() => context.Clear();
    }

    /// <summary>
    /// The kernel's skb test run refuses a frame whose EtherType announces IPv4 or IPv6 without room for that header
    /// (EINVAL); XDP runs take any frame.
    /// </summary>
    private static void CheckNetworkHeader(ProgramType type, ReadOnlySpan<byte> data)
    {
        ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(data[12..]);
        int needed = etherType switch { 0x0800 => 20, 0x86dd => 40, _ => 0 };
        if (data.Length - EthernetHeaderLength < needed)
            throw new TestRunException(Errno.EINVAL,
                $"a {type.Name} test run refuses this frame: its EtherType 0x{etherType:x4} announces a {needed}-byte header, but only {data.Length - EthernetHeaderLength} bytes follow the Ethernet header");
    }

    /// <summary>Writes the packet pointers into the context (their low 32 bits) and into the run's pointer table.</summary>
    private static void Publish(PacketFrame frame, ProgramType type, RunContext context)
    {
        var fields = type.PointerFields;
        for (int i = 0; i < fields.Count; i++)
        {
            ulong value = fields[i].Kind switch
            {
                ContextFieldKind.PacketStart => frame.Data,
                ContextFieldKind.PacketEnd => frame.DataEnd,
                _ => frame.DataMeta,
            };
            context.SetContextPointer(i, value);
            *(uint*)(frame.Context + fields[i].Offset) = (uint)value;
        }
        context.Packet = new MemoryRegion(frame.Data, frame.DataEnd - frame.Data, true, "packet");
        if (type.Packet != PacketLayout.Xdp)
            *(uint*)(frame.Context + KnownSkBuff.Len) = (uint)(frame.DataEnd - frame.Data);
    }

    /// <summary>
    /// The receive side of <c>xdp_md</c>: the kernel's test run receives on queue 0 of the loopback device unless
    /// ctx_in names a device and queue.
    /// </summary>
    private static void FillXdpContext(PacketFrame frame, ProgramType type, byte[]? ctx)
    {
        var (ifindex, queue) = ctx is null ? ((uint)SkBuffContextIn.Loopback, 0u) : XdpContextIn.Device(type, ctx);
        *(uint*)(frame.Context + XdpContextIn.IngressIfindex) = ifindex;
        *(uint*)(frame.Context + XdpContextIn.RxQueueIndex) = queue;
    }

    private static void FillSkbContext(PacketFrame frame, ReadOnlySpan<byte> data)
    {
        byte* ctx = frame.Context;
        // skb->protocol is big-endian: the field holds the EtherType exactly as on the wire.
        *(uint*)(ctx + KnownSkBuff.Protocol) = BinaryPrimitives.ReadUInt16LittleEndian(data[12..]);
        *(uint*)(ctx + KnownSkBuff.PktType) = PacketType(data[..6]);
        *(uint*)(ctx + KnownSkBuff.Ifindex) = SkBuffContextIn.Loopback;   // the loopback device, as the kernel's test run uses
        // wire_len reads qdisc_skb_cb->pkt_len, which only a context sets (SkBuffContextIn.Apply); without one it stays 0.
    }

    /// <summary>
    /// PACKET_HOST (0), _MULTICAST (2) or _OTHERHOST (3), as eth_type_trans decides for the loopback device the
    /// kernel's test run uses: its address and broadcast address are all zeros, so ff:ff:ff:ff:ff:ff is "multicast".
    /// </summary>
    private static uint PacketType(ReadOnlySpan<byte> destination)
    {
        if ((destination[0] & 1) != 0) return 2;
        return destination.IndexOfAnyExcept((byte)0) < 0 ? 0u : 3u;
    }
}
