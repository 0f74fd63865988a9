using System.Buffers.Binary;
using System.Text;
using Ebpf.Btf;
using Ebpf.ProgramTypes;

namespace Ebpf.Elf;

/// <summary>The BTF of an object: its types and its function, line and CO-RE records.</summary>
/// <param name="Types">The <c>.BTF</c> types.</param>
/// <param name="Ext">The <c>.BTF.ext</c> records (empty when the object has none).</param>
public sealed record ObjectBtf(BtfSpec Types, BtfExt Ext);

/// <summary>
/// Reads an eBPF ELF object as clang emits it (old toolchains too) into a <see cref="CollectionSpec"/>: programs linked
/// with their bpf-to-bpf callees, maps from <c>.maps</c> (BTF), <c>maps</c> (legacy) and global-data sections, BTF,
/// license and kernel version — the way libbpf reads objects, but without touching the kernel.
/// </summary>
public static class ObjectFile
{
    /// <summary>The section that holds the license string.</summary>
    public const string LicenseSection = "license";

    /// <summary>The section that holds the kernel version (a u32) of old kprobe programs.</summary>
    public const string VersionSection = "version";

    /// <summary>The code section of functions without a SEC() annotation.</summary>
    public const string TextSection = ".text";

    /// <summary>Reads the object file at <paramref name="path"/>.</summary>
    /// <exception cref="EbpfException">The object is malformed (<see cref="ElfFormatException"/>, <see cref="BtfFormatException"/>).</exception>
    public static CollectionSpec Load(string path) => Load(File.ReadAllBytes(path));

    /// <summary>Reads an object from its bytes.</summary>
    /// <exception cref="EbpfException">The object is malformed (<see cref="ElfFormatException"/>, <see cref="BtfFormatException"/>).</exception>
    public static CollectionSpec Load(ReadOnlyMemory<byte> bytes)
    {
        var elf = ElfFile.Read(bytes);
        string license = ReadLicense(elf);
        uint? version = ReadVersion(elf);
        var objectBtf = ReadBtf(elf);
        var btf = objectBtf?.Types;
        var ext = objectBtf?.Ext;
        var maps = MapTable.Build(elf, btf);
        var code = new CodeLayout(elf);
        var linker = new ProgramLinker(elf, code, maps, ext, CodeRelocations.Index(elf, code));

        var entries = ProgramEntries(code);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
            if (!names.Add(entry.Name)) throw new ElfFormatException($"two programs are named '{entry.Name}'");
        var programs = entries.Select(entry => linker.Link(entry, SectionNames.Lookup(entry.Section.Name), license)).ToList();
        maps.AddInitialReferences(elf, symbol =>
            entries.FirstOrDefault(e => e.Section.Index == symbol.SectionIndex && (ulong)e.Start * 8 == symbol.Value)?.Name);
        return new CollectionSpec(programs, maps.Maps, maps.InitialValues, btf, license, version);
    }

    /// <summary>
    /// The functions that are programs: every function of every code section except <c>.text</c>, whose functions are
    /// subprograms — unless <c>.text</c> is the only code and its functions are global (a plain function compiled alone).
    /// </summary>
    private static List<ObjectFunction> ProgramEntries(CodeLayout code)
    {
        var sections = code.CodeSections.Where(s => s.Name != TextSection).ToList();
        if (sections.Count > 0) return sections.SelectMany(code.FunctionsOf).ToList();
        var text = code.CodeSections.FirstOrDefault();
        return text is null ? [] : code.FunctionsOf(text).Where(f => f.IsGlobal).ToList();
    }

    private static string ReadLicense(ElfFile elf)
    {
        if (elf.FindSection(LicenseSection) is not { } section) return "";
        var data = section.Data.Span;
        int end = data.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? data : data[..end]);
    }

    private static uint? ReadVersion(ElfFile elf)
    {
        if (elf.FindSection(VersionSection) is not { } section) return null;
        if (section.Data.Length != 4) throw new ElfFormatException($"section '{VersionSection}' is {section.Data.Length} bytes, not a 4-byte kernel version");
        return BinaryPrimitives.ReadUInt32LittleEndian(section.Data.Span);
    }

    /// <summary>
    /// The object's <c>.BTF</c> types (DATASEC sizes and VAR offsets filled from the ELF sections and symbols, as libbpf
    /// does) and its <c>.BTF.ext</c> records (empty without that section), or null when the object has no BTF.
    /// </summary>
    /// <exception cref="BtfFormatException">The BTF is malformed.</exception>
    public static ObjectBtf? ReadBtf(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        if (elf.FindSection(".BTF") is not { } section) return null;
        var sizes = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var s in elf.Sections)
            if (s.Index != 0 && s.Size <= uint.MaxValue) sizes.TryAdd(s.Name, (uint)s.Size);
        var offsets = new Dictionary<(string, string), uint>();
        foreach (var symbol in elf.Symbols)
        {
            if (symbol.Type is not (ElfSymbol.Object or ElfSymbol.NoType) || symbol.Name.Length == 0) continue;
            if (symbol.SectionIndex == 0 || symbol.SectionIndex >= elf.Sections.Count || symbol.Value > uint.MaxValue) continue;
            offsets.TryAdd((elf.Sections[symbol.SectionIndex].Name, symbol.Name), (uint)symbol.Value);
        }
        var types = BtfSpec.Parse(section.Data, new BtfDataLayout(sizes, offsets));
        var ext = elf.FindSection(".BTF.ext") is { } extSection ? BtfExt.Parse(extSection.Data, types) : BtfExt.Empty;
        return new ObjectBtf(types, ext);
    }
}
