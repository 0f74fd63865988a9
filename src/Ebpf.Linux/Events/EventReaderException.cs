namespace Ebpf.Linux.Events;

/// <summary>An event reader could not be set up or read; the message says which call failed, why, and what to do.</summary>
public sealed class EventReaderException : EbpfException
{
    /// <summary>Creates the exception for <paramref name="operation"/> failing with <paramref name="errno"/> (0: not a system call failure).</summary>
    public EventReaderException(string operation, int errno, string advice)
        : base($"{operation} failed{(errno != 0 ? $" with {Errno.Name(errno)}" : "")}{(advice.Length > 0 ? ": " + advice : "")}")
    {
        Operation = operation;
        ErrorNumber = errno;
    }

    /// <summary>What failed, e.g. <c>mmap(ring buffer 'events')</c>.</summary>
    public string Operation { get; }

    /// <summary>The errno, or 0.</summary>
    public int ErrorNumber { get; }
}
