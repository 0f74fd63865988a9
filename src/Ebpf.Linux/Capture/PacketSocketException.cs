namespace Ebpf.Linux.Capture;

/// <summary>A packet socket could not be opened, bound, read or written; the message says which call, why, and what to do.</summary>
public sealed class PacketSocketException : EbpfException
{
    /// <summary>Creates the exception for <paramref name="operation"/> failing with <paramref name="errno"/>.</summary>
    public PacketSocketException(string operation, int errno, string advice)
        : base($"{operation} failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}){(advice.Length > 0 ? "; " + advice : "")}")
    {
        Operation = operation;
        ErrorNumber = errno;
    }

    /// <summary>What failed, e.g. <c>socket(AF_PACKET)</c>.</summary>
    public string Operation { get; }

    /// <summary>The errno.</summary>
    public int ErrorNumber { get; }
}
