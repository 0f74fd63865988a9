using System.Buffers.Binary;
using Ebpf.Elf;

namespace Ebpf.Tests.Elf;

/// <summary>Finds the file positions of section headers, section contents and symbols, to corrupt objects on purpose.</summary>
internal static class ElfPatch
{
    /// <summary>The file offset of the header of the named section.</summary>
    public static int SectionHeader(byte[] file, string name)
    {
        int index = ElfFile.Read(file).FindSection(name)!.Index;
        return (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(40)) + index * 64;
    }

    /// <summary>The file offset of the contents of the named section.</summary>
    public static int SectionData(byte[] file, string name) =>
        (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(SectionHeader(file, name) + 24));

    /// <summary>The file offset of the symbol table entry of the named symbol.</summary>
    public static int Symbol(byte[] file, string name)
    {
        var elf = ElfFile.Read(file);
        int index = elf.Symbols.Select((s, i) => (s, i)).Single(p => p.s.Name == name).i;
        var table = elf.Sections.Single(s => s.Type == ElfSection.SymbolTable);
        return SectionData(file, table.Name) + index * 24;
    }
}
