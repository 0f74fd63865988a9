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
/// <param name="Size">sh_size: the size in bytes (for NOBITS, the size in memory; Data is empty).</param>
public sealed record ElfSection(int Index, string Name, uint Type, ulong Flags, uint Link, uint Info, ulong EntrySize, ReadOnlyMemory<byte> Data, ulong Size)
{
    /// <summary>SHT_PROGBITS.</summary>
    public const uint ProgramBits = 1;
    /// <summary>SHT_SYMTAB.</summary>
    public const uint SymbolTable = 2;
    /// <summary>SHT_STRTAB.</summary>
    public const uint StringTable = 3;
    /// <summary>SHT_RELA: relocations with explicit addends.</summary>
    public const uint Rela = 4;
    /// <summary>SHT_NOBITS: a section that occupies no file space (<c>.bss</c>).</summary>
    public const uint NoBits = 8;
    /// <summary>SHT_REL: relocations whose addends are in the relocated bytes.</summary>
    public const uint Rel = 9;
    /// <summary>SHF_WRITE.</summary>
    public const ulong Writable = 0x1;
    /// <summary>SHF_ALLOC.</summary>
    public const ulong Allocated = 0x2;
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
    /// <summary>STT_NOTYPE.</summary>
    public const byte NoType = 0;
    /// <summary>STT_OBJECT.</summary>
    public const byte Object = 1;
    /// <summary>STT_FUNC.</summary>
    public const byte Function = 2;
    /// <summary>STT_SECTION.</summary>
    public const byte SectionSymbol = 3;
    /// <summary>STB_GLOBAL.</summary>
    public const byte Global = 1;
    /// <summary>STB_WEAK.</summary>
    public const byte Weak = 2;

    /// <summary>Whether the symbol names a function.</summary>
    public bool IsFunction => Type == Function;
}
