namespace Ebpf.Capture;

/// <summary>Reads packet records from a capture file, one at a time, in file order.</summary>
public interface ICaptureReader : IDisposable
{
    /// <summary>The container format.</summary>
    CaptureFormat Format { get; }

    /// <summary>The number of bytes consumed so far (for progress reports).</summary>
    long Position { get; }

    /// <summary>
    /// Reads the next packet record; false at the clean end of the file. Blocks that carry no packet (statistics,
    /// name resolution, unknown types) are skipped.
    /// </summary>
    /// <exception cref="CaptureFormatException">The file is malformed or truncated at this record.</exception>
    bool TryRead(out CapturedPacket packet);
}

/// <summary>Writes packet records to a capture file.</summary>
public interface ICaptureWriter : IDisposable
{
    /// <summary>Appends one packet (its <see cref="CapturedPacket.LinkType"/> must be the file's or one of its interfaces').</summary>
    void Write(in CapturedPacket packet);

    /// <summary>Writes buffered records to the underlying stream.</summary>
    void Flush();
}
