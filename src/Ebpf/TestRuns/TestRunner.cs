using System.Buffers.Binary;
using System.Diagnostics;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using KnownSkBuff = Ebpf.ProgramTypes.KnownProgramTypes.SkBuff;

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

    /// <summary>NET_SKB_PAD: the headroom of a test-run skb.</summary>
    public const int SkbHeadroom = 64;

    /// <summary>Execution options for a program of <paramref name="type"/>: its context pointer fields, on top of <paramref name="options"/>.</summary>
    public static ExecutionOptions OptionsFor(ProgramType type, ExecutionOptions? options = null) =>
        (options ?? new ExecutionOptions()) with { ContextPointerFields = type.PointerFieldOffsets };

    /// <summary>Runs <paramref name="program"/> on <paramref name="data"/> <paramref name="repeat"/> times, as the kernel's test run.</summary>
    /// <exception cref="TestRunException">The kernel would refuse the input (EINVAL), e.g. a packet shorter than 14 bytes.</exception>
    /// <exception cref="ProgramFaultException">A run faulted.</exception>
    public static TestRunResult Run(IExecutableProgram program, ProgramType type, ReadOnlySpan<byte> data, int repeat = 1, int processorSlot = 0)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(type);
        CheckPacket(type, data);
        if (repeat < 1) repeat = 1;

        using var frame = new PacketFrame(type.ContextSize);
        return RunIn(frame, new RunContext(), program, type, data, repeat, processorSlot);
    }

    /// <summary>Refuses what the kernel's test run refuses (EINVAL for a packet of the wrong size, ENOTSUPP for types without packets).</summary>
    internal static void CheckPacket(ProgramType type, ReadOnlySpan<byte> data)
    {
        if (type.Packet == PacketLayout.None) throw new TestRunException(Errno.ENOTSUPP, $"test runs of {type.Name} programs take no packet");
        int headroom = type.Packet == PacketLayout.Xdp ? PacketFrame.XdpHeadroom : SkbHeadroom;
        int maxSize = PacketFrame.FrameSize - headroom - PacketFrame.Tailroom;
        if (data.Length < EthernetHeaderLength || data.Length > maxSize)
            throw new TestRunException(Errno.EINVAL,
                $"a {type.Name} test run takes {EthernetHeaderLength} to {maxSize} bytes of packet (an Ethernet frame), not {data.Length}");
        if (type.Packet is PacketLayout.SkbFromLinkLayer or PacketLayout.SkbFromNetworkLayer) CheckNetworkHeader(type, data);
    }

    /// <summary>
    /// Runs on a checked packet in <paramref name="frame"/> and <paramref name="context"/>, both (re)initialised here
    /// exactly as fresh ones would be, so a caller may reuse them for many packets on one thread.
    /// </summary>
    internal static TestRunResult RunIn(PacketFrame frame, RunContext context, IExecutableProgram program, ProgramType type,
        ReadOnlySpan<byte> data, int repeat, int processorSlot, bool copyDataOut = true)
    {
        int headroom = type.Packet == PacketLayout.Xdp ? PacketFrame.XdpHeadroom : SkbHeadroom;
        new Span<byte>(frame.Start, PacketFrame.FrameSize).Clear();
        new Span<byte>(frame.Context, frame.ContextSize).Clear();
        ulong frameData = (ulong)frame.Start + (ulong)headroom;
        data.CopyTo(new Span<byte>((void*)frameData, data.Length));
        frame.Data = frameData;
        frame.DataEnd = frameData + (ulong)data.Length;
        bool networkLayer = type.Packet == PacketLayout.SkbFromNetworkLayer;
        if (networkLayer) frame.Data += EthernetHeaderLength;
        frame.DataMeta = frame.Data;

        context.Clear();
        context.ProcessorSlot = processorSlot;
        context.AddRegion((nint)frame.Start, PacketFrame.FrameSize, writable: true, "packet");
        context.AddRegion((nint)frame.Context, type.ContextSize, writable: true, "context");
        context.R1 = (ulong)frame.Context;
        context.ContextAddress = (ulong)frame.Context;
        context.HostState = frame;
        frame.Moved = () => Publish(frame, type, context);
        if (type.Packet == PacketLayout.Xdp) FillXdpContext(frame);
        else FillSkbContext(frame, type, data);
        Publish(frame, type, context);

        ulong r0 = 0;
        var started = Stopwatch.GetTimestamp();
        for (int i = 0; i < repeat; i++) r0 = program.Run(context);
        long duration = (long)(Stopwatch.GetElapsedTime(started).TotalNanoseconds / repeat);

        byte[] dataOut = !copyDataOut ? []
            : networkLayer
            ? [.. new byte[EthernetHeaderLength], .. frame.Packet]   // the kernel hands the pulled Ethernet header back as zeros
            : frame.Packet.ToArray();
        return new TestRunResult((uint)r0, dataOut, duration);
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

    private static void FillXdpContext(PacketFrame frame)
    {
        // ingress_ifindex and rx_queue_index stay 0: the kernel's test run uses no device unless ctx_in names one.
    }

    private static void FillSkbContext(PacketFrame frame, ProgramType type, ReadOnlySpan<byte> data)
    {
        byte* ctx = frame.Context;
        // skb->protocol is big-endian: the field holds the EtherType exactly as on the wire.
        *(uint*)(ctx + KnownSkBuff.Protocol) = BinaryPrimitives.ReadUInt16LittleEndian(data[12..]);
        *(uint*)(ctx + KnownSkBuff.PktType) = PacketType(data[..6]);
        *(uint*)(ctx + KnownSkBuff.Ifindex) = 1;   // the loopback device, as the kernel's test run uses
        *(uint*)(ctx + KnownSkBuff.WireLen) = (uint)(data.Length - EthernetHeaderLength); // skb->len after eth_type_trans pulled the header
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
