namespace Ebpf.Elf;

/// <summary>An ELF file that is malformed, truncated or not an eBPF object; the message says where and what.</summary>
public sealed class ElfFormatException : EbpfException
{
    /// <summary>Creates the exception.</summary>
    public ElfFormatException(string message) : base($"invalid ELF object: {message}") { }
}
