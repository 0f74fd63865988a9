using Ebpf.ProgramTypes;

namespace Ebpf.TestRuns;

/// <summary>What a packet program's return value does with the packet, for reports and for writing the packets that go on.</summary>
public static class PacketVerdicts
{
    /// <summary>
    /// The verdict's name: the type's return-code name (XDP_PASS, TC_ACT_SHOT), for socket filters "drop" (0) or
    /// "accept" (keep that many bytes), else null.
    /// </summary>
    public static string? Name(ProgramType type, uint returnValue)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.ReturnName(returnValue) is { } name) return name;
        if (type.Packet == PacketLayout.SkbFromNetworkLayer) return returnValue == 0 ? "drop" : "accept";
        return null;
    }

    /// <summary>
    /// How many bytes of the packet go on after this verdict (into the stack, back out, or to another device), or 0
    /// when it is dropped or consumed. XDP: PASS, TX and REDIRECT send the whole packet on. tc: SHOT, STOLEN, QUEUED
    /// and TRAP (8) end it; every other action (OK, UNSPEC, PIPE, RECLASSIFY, REPEAT, REDIRECT) lets it continue.
    /// Socket filters: the return value is the number of bytes of the network packet the socket receives.
    /// </summary>
    /// <param name="type">The program type.</param>
    /// <param name="returnValue">r0 of the run, truncated to 32 bits.</param>
    /// <param name="frameLength">The length of the frame after the run, Ethernet header included.</param>
    public static int ForwardedLength(ProgramType type, uint returnValue, int frameLength)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Packet switch
        {
            PacketLayout.Xdp => returnValue is 2 or 3 or 4 ? frameLength : 0,
            PacketLayout.SkbFromLinkLayer => returnValue is 2 or 4 or 5 or 8 ? 0 : frameLength,
            PacketLayout.SkbFromNetworkLayer => returnValue == 0 ? 0
                : TestRunner.EthernetHeaderLength + (int)Math.Min(returnValue, (uint)(frameLength - TestRunner.EthernetHeaderLength)),
            _ => 0,
        };
    }

    /// <summary>
    /// Whether the verdict sends the packet back out of a device rather than up the stack: XDP_TX and XDP_REDIRECT, or
    /// TC_ACT_REDIRECT.
    /// </summary>
    public static bool Transmits(ProgramType type, uint returnValue)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Packet switch
        {
            PacketLayout.Xdp => returnValue is 3 or 4,
            PacketLayout.SkbFromLinkLayer => returnValue == 7,
            _ => false,
        };
    }
}
