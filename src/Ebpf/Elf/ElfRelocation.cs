namespace Ebpf.Elf;

/// <summary>One entry of a REL or RELA section: a place in the target section that refers to a symbol.</summary>
/// <param name="Offset">r_offset: the byte offset in the target section.</param>
/// <param name="Type">The relocation type (the low 32 bits of r_info), e.g. <see cref="Bpf64"/>.</param>
/// <param name="Symbol">The symbol referred to.</param>
/// <param name="SymbolIndex">The symbol's index in the symbol table.</param>
/// <param name="Addend">r_addend for RELA entries; 0 for REL entries, whose addend is in the relocated bytes.</param>
public sealed record ElfRelocation(ulong Offset, uint Type, ElfSymbol Symbol, int SymbolIndex, long Addend)
{
    /// <summary>R_BPF_NONE.</summary>
    public const uint None = 0;
    /// <summary>R_BPF_64_64: the 64-bit immediate of an <c>lddw</c>.</summary>
    public const uint Bpf64 = 1;
    /// <summary>R_BPF_64_ABS64: a 64-bit data word (e.g. <c>.maps</c> initial values).</summary>
    public const uint Absolute64 = 2;
    /// <summary>R_BPF_64_ABS32: a 32-bit data word (debug sections).</summary>
    public const uint Absolute32 = 3;
    /// <summary>R_BPF_64_NODYLD32: a 32-bit data word not resolved at load time (debug and BTF sections).</summary>
    public const uint NoDyld32 = 4;
    /// <summary>R_BPF_64_32: the 32-bit immediate of a <c>call</c>.</summary>
    public const uint Bpf32 = 10;
}
