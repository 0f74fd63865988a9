namespace Ebpf.Elf;

/// <summary>One section header of an ELF64 file, with its bytes.</summary>
/// <param name="Index">The section's index in the header table.</param>
/// <param name="Name">The section's name from the section-name string table.</param>
/// <param name="Type">sh_type (1 PROGBITS, 2 SYMTAB, 3 STRTAB, 4 RELA, 8 NOBITS, 9 REL, …).</param>
/// <param name="Flags">sh_flags (0x2 ALLOC, 0x4 EXECINSTR, …).</param>
/// <param name="Link">sh_link.</param>
/// <param name="Info">sh_info.</param>
/// <param name="EntrySize">sh_entsize.</param>
/// <param name="Data">The section's bytes (empty for NOBITS).</param>
public sealed record ElfSection(int Index, string Name, uint Type, ulong Flags, uint Link, uint Info, ulong EntrySize, ReadOnlyMemory<byte> Data)
{
    /// <summary>SHT_PROGBITS.</summary>
    public const uint ProgramBits = 1;
    /// <summary>SHT_SYMTAB.</summary>
    public const uint SymbolTable = 2;
    /// <summary>SHT_STRTAB.</summary>
    public const uint StringTable = 3;
    /// <summary>SHF_EXECINSTR.</summary>
    public const ulong Executable = 0x4;

    /// <summary>Whether the section holds code (PROGBITS with the executable flag).</summary>
    public bool IsCode => Type == ProgramBits && (Flags & Executable) != 0;
}

/// <summary>One symbol of an ELF64 symbol table.</summary>
/// <param name="Name">The symbol's name.</param>
/// <param name="Value">st_value: for a function, its byte offset in its section.</param>
/// <param name="Size">st_size in bytes.</param>
/// <param name="Type">The low nibble of st_info (0 NOTYPE, 1 OBJECT, 2 FUNC, 3 SECTION, …).</param>
/// <param name="Binding">The high nibble of st_info (0 LOCAL, 1 GLOBAL, 2 WEAK).</param>
/// <param name="SectionIndex">st_shndx.</param>
public sealed record ElfSymbol(string Name, ulong Value, ulong Size, byte Type, byte Binding, ushort SectionIndex)
{
    /// <summary>STT_FUNC.</summary>
    public const byte Function = 2;

    /// <summary>Whether the symbol names a function.</summary>
    public bool IsFunction => Type == Function;
}
