using Ebpf.Capture;

namespace Ebpf.TestRuns;

/// <summary>The packets that got one return value, and their bytes (as the program saw them, before rewrites).</summary>
/// <param name="ReturnValue">r0 truncated to 32 bits.</param>
/// <param name="Name">Its name (XDP_PASS, TC_ACT_OK, accept), or null when the type names none.</param>
/// <param name="Packets">How many packets.</param>
/// <param name="Bytes">Their total length.</param>
public sealed record VerdictCount(uint ReturnValue, string? Name, long Packets, long Bytes);

/// <summary>What kept packets from getting a verdict.</summary>
public enum PacketProblemKind
{
    /// <summary>The kernel's test run refuses the packet (for instance EINVAL for fewer than 14 bytes).</summary>
    Refused,

    /// <summary>The run faulted (a memory access outside the run's regions, the budget, a helper error).</summary>
    Faulted,

    /// <summary>The record has no Ethernet form (its link type, or a cooked protocol that is not an EtherType).</summary>
    Unconvertible,
}

/// <summary>Packets that got no verdict for one reason.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Errno">The errno a kernel test run gives (EINVAL, EFAULT), 0 for unconvertible records.</param>
/// <param name="Packets">How many packets.</param>
/// <param name="Bytes">Their total length.</param>
/// <param name="FirstRecord">The capture record of the first one.</param>
/// <param name="FirstMessage">The message of the first one.</param>
public sealed record PacketProblemCount(PacketProblemKind Kind, int Errno, long Packets, long Bytes, long FirstRecord, string FirstMessage);

/// <summary>What running a program over a capture gave: counts per verdict, per problem and per processor slot.</summary>
public sealed class CaptureRunSummary
{
    internal CaptureRunSummary(long packets, long bytes, IReadOnlyList<VerdictCount> verdicts, IReadOnlyList<PacketProblemCount> problems,
        IReadOnlyList<long> packetsPerSlot, long written, TimeSpan elapsed, CaptureFormatException? formatError)
    {
        Packets = packets;
        Bytes = bytes;
        Verdicts = verdicts;
        Problems = problems;
        PacketsPerSlot = packetsPerSlot;
        Written = written;
        Elapsed = elapsed;
        FormatError = formatError;
    }

    /// <summary>Every packet record read (with a verdict or a problem).</summary>
    public long Packets { get; }

    /// <summary>Their bytes: the Ethernet frames the program got, or the captured bytes of unconvertible records.</summary>
    public long Bytes { get; }

    /// <summary>Packets per return value, in increasing order of the value.</summary>
    public IReadOnlyList<VerdictCount> Verdicts { get; }

    /// <summary>Packets without verdict, per kind and errno.</summary>
    public IReadOnlyList<PacketProblemCount> Problems { get; }

    /// <summary>Packets given to each processor slot (the flow-hash spread).</summary>
    public IReadOnlyList<long> PacketsPerSlot { get; }

    /// <summary>Packets written to the output capture (those the verdict sends on).</summary>
    public long Written { get; }

    /// <summary>Wall-clock time of the whole run: reading, converting, running, writing.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Packets per second of wall-clock time.</summary>
    public double PacketsPerSecond => Elapsed.TotalSeconds > 0 ? Packets / Elapsed.TotalSeconds : 0;

    /// <summary>The damage that ended reading early, or null when the whole file was read.</summary>
    public CaptureFormatException? FormatError { get; }
}
