using Ebpf.Maps;

namespace Ebpf.Elf;

/// <summary>
/// Global variables as libbpf maps them: each <c>.data</c>, <c>.rodata</c>, <c>.bss</c>, <c>.data.*</c> and
/// <c>.rodata.*</c> section becomes a one-element array named after the section, its value the section's bytes.
/// </summary>
internal static class GlobalDataSections
{
    /// <summary>Whether a section holds global data that becomes a map.</summary>
    public static bool IsGlobalData(ElfSection section) =>
        section.Type is ElfSection.ProgramBits or ElfSection.NoBits
        && (section.Flags & ElfSection.Executable) == 0
        && (section.Name is ".data" or ".rodata" or ".bss"
            || section.Name.StartsWith(".data.", StringComparison.Ordinal)
            || section.Name.StartsWith(".rodata.", StringComparison.Ordinal));

    /// <summary>
    /// The map of one data section and the bytes of its only value: the section's contents, or null for <c>.bss</c>
    /// (NOBITS), whose value stays as the array map creates it, zeroed; nothing is allocated for it here.
    /// </summary>
    public static (MapSpec Map, ReadOnlyMemory<byte>? Value) Describe(ElfSection section)
    {
        if (section.Size > uint.MaxValue) throw new ElfFormatException($"data section '{section.Name}' is {section.Size} bytes, too large for a map value");
        var flags = section.Name.StartsWith(".rodata", StringComparison.Ordinal) ? MapCreationFlags.ReadOnlyProgram : MapCreationFlags.None;
        ReadOnlyMemory<byte>? value = section.Type == ElfSection.NoBits ? (ReadOnlyMemory<byte>?)null : section.Data;
        return (new MapSpec(section.Name, MapType.Array, 4, (uint)section.Size, 1, flags), value);
    }
}
