using Ebpf.Isa;

namespace Ebpf.Elf;

/// <summary>One function of a code section: a function symbol's range, or the whole section when it has no function symbols.</summary>
/// <param name="Name">The symbol name (the section name for a section without function symbols).</param>
/// <param name="Section">The code section.</param>
/// <param name="Start">The first instruction slot in the section.</param>
/// <param name="Length">The number of slots.</param>
/// <param name="IsGlobal">Whether the symbol is global or weak.</param>
internal sealed record ObjectFunction(string Name, ElfSection Section, int Start, int Length, bool IsGlobal)
{
    /// <summary>Whether the slot index of the section lies in this function.</summary>
    public bool Contains(int index) => index >= Start && index < Start + Length;
}

/// <summary>The code sections of an object, their instructions decoded once, and the functions in each.</summary>
internal sealed class CodeLayout
{
    private readonly Dictionary<int, IReadOnlyList<ObjectFunction>> _functions = [];
    private readonly Dictionary<int, Bytecode> _code = [];

    public CodeLayout(ElfFile elf)
    {
        foreach (var section in elf.Sections.Where(s => s.IsCode && s.Data.Length > 0))
        {
            if (section.Data.Length % Instruction.Size != 0)
                throw new ElfFormatException($"code section '{section.Name}' is {section.Data.Length} bytes, not a multiple of {Instruction.Size}");
            _code[section.Index] = Bytecode.FromBytes(section.Data.Span);
            _functions[section.Index] = FunctionsOf(elf, section);
            CodeSections.Add(section);
        }
    }

    /// <summary>The non-empty code sections in file order.</summary>
    public List<ElfSection> CodeSections { get; } = [];

    /// <summary>Whether the section index is a non-empty code section.</summary>
    public bool IsCode(int sectionIndex) => _code.ContainsKey(sectionIndex);

    /// <summary>The decoded instructions of a code section.</summary>
    public Bytecode CodeOf(ElfSection section) => _code[section.Index];

    /// <summary>The functions of a code section, by offset.</summary>
    public IReadOnlyList<ObjectFunction> FunctionsOf(ElfSection section) => _functions[section.Index];

    /// <summary>The function of section <paramref name="sectionIndex"/> that holds slot <paramref name="index"/>, or null.</summary>
    public ObjectFunction? FunctionAt(int sectionIndex, long index) =>
        _functions.TryGetValue(sectionIndex, out var functions) ? functions.FirstOrDefault(f => f.Contains((int)Math.Clamp(index, -1, int.MaxValue))) : null;

    private static List<ObjectFunction> FunctionsOf(ElfFile elf, ElfSection section)
    {
        int slots = section.Data.Length / Instruction.Size;
        var symbols = elf.FunctionsIn(section);
        // Early toolchains marked programs with plain global labels: no function type, no size.
        if (symbols.Count == 0)
            symbols = elf.Symbols.Where(s => s.SectionIndex == section.Index && s.Type == ElfSymbol.NoType && s.Binding == ElfSymbol.Global && s.Name.Length > 0)
                .OrderBy(s => s.Value).ToList();
        if (symbols.Count == 0) return [new ObjectFunction(section.Name, section, 0, slots, true)];
        var functions = new List<ObjectFunction>(symbols.Count);
        for (int i = 0; i < symbols.Count; i++)
        {
            var symbol = symbols[i];
            if (symbol.Value % Instruction.Size != 0 || symbol.Value >= (ulong)section.Data.Length)
                throw new ElfFormatException($"function '{symbol.Name}' starts at offset {symbol.Value} of section '{section.Name}' ({section.Data.Length} bytes), not at an instruction in it");
            ulong end = i + 1 < symbols.Count ? symbols[i + 1].Value : (ulong)section.Data.Length;
            // Old toolchains leave st_size 0: the function then runs to the next symbol.
            if (symbol.Size != 0) end = symbol.Value + symbol.Size;
            if (end > (ulong)section.Data.Length || end % Instruction.Size != 0 || end <= symbol.Value)
                throw new ElfFormatException($"function '{symbol.Name}' (offset {symbol.Value}, size {symbol.Size}) does not fit whole instructions of section '{section.Name}' ({section.Data.Length} bytes)");
            if (functions.Count > 0 && functions[^1].Start + functions[^1].Length > (int)(symbol.Value / Instruction.Size))
                throw new ElfFormatException($"function '{symbol.Name}' at offset {symbol.Value} of section '{section.Name}' overlaps function '{functions[^1].Name}'");
            functions.Add(new ObjectFunction(symbol.Name, section, (int)(symbol.Value / Instruction.Size), (int)((end - symbol.Value) / Instruction.Size),
                symbol.Binding is ElfSymbol.Global or ElfSymbol.Weak));
        }
        return functions;
    }
}
