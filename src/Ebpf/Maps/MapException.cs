namespace Ebpf.Maps;

/// <summary>
/// A map operation or creation that the kernel would refuse, with the errno it would return. The message says which map,
/// what failed and what to do about it.
/// </summary>
public sealed class MapException : EbpfException
{
    /// <summary>Creates the exception for an error number (positive, as in <see cref="Errno"/>).</summary>
    public MapException(int errno, string message) : base(message + " (" + global::Ebpf.Maps.Errno.Name(errno) + ")") => Errno = errno;

    /// <summary>The error number the kernel would return (positive; helpers return its negation).</summary>
    public int Errno { get; }

    /// <summary>The symbolic name of <see cref="Errno"/> ("ENOENT").</summary>
    public string ErrnoName => global::Ebpf.Maps.Errno.Name(Errno);

    /// <summary>For batch operations: how many elements were processed before the failure.</summary>
    public int Processed { get; init; }
}
