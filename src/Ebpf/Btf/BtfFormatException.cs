namespace Ebpf.Btf;

/// <summary>BTF or BTF.ext data that is malformed or truncated; the message says what and where.</summary>
public sealed class BtfFormatException : EbpfException
{
    /// <summary>Creates the exception.</summary>
    public BtfFormatException(string message) : base($"invalid BTF: {message}") { }
}
