namespace Ebpf.Capture;

/// <summary>
/// A capture file that is malformed or truncated. The message names the file, the byte offset, the record (or
/// pcapng block) and how many packets came before it; every one of those was delivered before this is thrown.
/// </summary>
public sealed class CaptureFormatException : EbpfException
{
    /// <summary>Creates the exception for damage at <paramref name="offset"/>.</summary>
    /// <param name="source">The file name.</param>
    /// <param name="offset">Where the damaged header, record or block starts.</param>
    /// <param name="place">What is damaged, with its number: "file header", "record 12", "block 7".</param>
    /// <param name="packetsBefore">Packets read before the damage.</param>
    /// <param name="reason">What is wrong.</param>
    public CaptureFormatException(string source, long offset, string place, long packetsBefore, string reason)
        : base($"{source}: {place} at byte offset {offset}: {reason} ({packetsBefore} packet(s) before it were read)")
    {
        Offset = offset;
        Place = place;
        PacketsBefore = packetsBefore;
        Reason = reason;
    }

    /// <summary>The byte offset in the file where the damaged header, record or block starts.</summary>
    public long Offset { get; }

    /// <summary>What is damaged: "file header", "record N" (pcap, counted from 1) or "block N" (pcapng, counted from 1).</summary>
    public string Place { get; }

    /// <summary>The number of packets read before the damage.</summary>
    public long PacketsBefore { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }
}
