using System.Runtime.InteropServices;

namespace Ebpf.TestRuns;

/// <summary>
/// The native memory of one packet run: a page-sized frame holding headroom, the packet and tailroom, and the
/// context structure. Programs may touch the whole frame (memory-safe); helpers that move the packet's start or end
/// (<c>bpf_xdp_adjust_head</c>/<c>_tail</c>/<c>_meta</c>) update <see cref="Data"/>, <see cref="DataEnd"/>,
/// <see cref="DataMeta"/> and the context. Reached by helpers through <see cref="Runtime.RunContext.HostState"/>.
/// </summary>
public sealed unsafe class PacketFrame : IDisposable
{
    /// <summary>The frame size: one page, as the kernel's test run allocates.</summary>
    public const int FrameSize = 4096;

    /// <summary>XDP_PACKET_HEADROOM.</summary>
    public const int XdpHeadroom = 256;

    /// <summary>The room the kernel keeps at the end of a frame for <c>struct skb_shared_info</c>.</summary>
    public const int Tailroom = 320;

    internal PacketFrame(int contextSize, ProgramTypes.PacketLayout layout)
    {
        Layout = layout;
        Start = (byte*)NativeMemory.AlignedAlloc(FrameSize, 64);
        Context = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(contextSize, 8), 8);
        ContextSize = contextSize;
        new Span<byte>(Start, FrameSize).Clear();
        new Span<byte>(Context, Math.Max(contextSize, 8)).Clear();
    }

    /// <summary>How the kernel lays out this packet: XDP, or an skb for tc or socket-filter programs. Helpers that exist for one kind only check it.</summary>
    public ProgramTypes.PacketLayout Layout { get; }

    /// <summary>Where <c>bpf_redirect</c> last asked to send the packet during the run, or null.</summary>
    public RedirectTarget? Redirect { get; internal set; }

    /// <summary>The first byte of the frame.</summary>
    public byte* Start { get; }

    /// <summary>The context structure programs get in r1.</summary>
    public byte* Context { get; }

    /// <summary>Its size.</summary>
    public int ContextSize { get; }

    /// <summary>The packet's first byte.</summary>
    public ulong Data { get; internal set; }

    /// <summary>One past the packet's last byte.</summary>
    public ulong DataEnd { get; internal set; }

    /// <summary>The start of the metadata before the packet (equal to <see cref="Data"/> when there is none).</summary>
    public ulong DataMeta { get; internal set; }

    /// <summary>The lowest address the packet may start at.</summary>
    public ulong Low => (ulong)Start;

    /// <summary>The highest address the packet may end at.</summary>
    public ulong High => (ulong)Start + FrameSize - Tailroom;

    /// <summary>Called after a helper moved the packet: refreshes the context fields and the run's pointers.</summary>
    internal Action? Moved { get; set; }

    /// <summary>The packet's bytes now.</summary>
    public ReadOnlySpan<byte> Packet => new((void*)Data, (int)(DataEnd - Data));

    private int _disposed;

    /// <summary>Frees the native memory.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        NativeMemory.AlignedFree(Start);
        NativeMemory.AlignedFree(Context);
    }
}
