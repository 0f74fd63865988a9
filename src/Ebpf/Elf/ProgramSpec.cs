using Ebpf.Btf;
using Ebpf.Isa;
using Ebpf.ProgramTypes;

namespace Ebpf.Elf;

/// <summary>
/// One program of an object, self-contained and engine-neutral: its instructions with every bpf-to-bpf callee linked in
/// after it, map references as <c>lddw src=5</c> (map index) and <c>src=6</c> (map index, value offset) into
/// <see cref="CollectionSpec.Maps"/>, and BTF function and line records re-based to the linked instructions.
/// </summary>
public sealed record ProgramSpec
{
    /// <summary>The program's name: its function symbol, or its section name when the section has no function symbols.</summary>
    public required string Name { get; init; }

    /// <summary>The ELF section the program came from.</summary>
    public required string SectionName { get; init; }

    /// <summary>The program type libbpf's section-name table gives (Unspecified for an unknown section).</summary>
    public required ProgramTypeId ProgramType { get; init; }

    /// <summary>The attach type libbpf passes at load time for this section, or null.</summary>
    public AttachTypeId? ExpectedAttachType { get; init; }

    /// <summary>The object's license (the <c>license</c> section), or "" when it has none.</summary>
    public required string License { get; init; }

    /// <summary>The linked instructions: the program's function first, then every function it calls, transitively.</summary>
    public required Bytecode Instructions { get; init; }

    /// <summary>The functions the program is made of, in link order (the first is the program itself).</summary>
    public required IReadOnlyList<LinkedFunction> Functions { get; init; }

    /// <summary>The relocations the loader resolved, by instruction.</summary>
    public required IReadOnlyList<ProgramRelocation> Relocations { get; init; }

    /// <summary>BTF function records, by linked instruction index (empty without BTF.ext).</summary>
    public IReadOnlyList<BtfFunctionInfo> FunctionInfos { get; init; } = [];

    /// <summary>BTF line records, by linked instruction index (empty without BTF.ext).</summary>
    public IReadOnlyList<BtfLineInfo> LineInfos { get; init; } = [];

    /// <summary>CO-RE relocation records, by linked instruction index, not applied (they need the target kernel's BTF).</summary>
    public IReadOnlyList<BtfCoreRelocation> CoreRelocations { get; init; } = [];

    /// <summary>The source line of the instruction at <paramref name="instructionIndex"/>: the last line record at or before it, or null.</summary>
    public BtfLineInfo? LineAt(int instructionIndex) => LineInfos.LastOrDefault(line => line.InstructionIndex <= instructionIndex);
}

/// <summary>One function linked into a program.</summary>
/// <param name="Name">The function's symbol name.</param>
/// <param name="SectionName">The section it came from.</param>
/// <param name="StartIndex">Its first instruction slot in the linked program.</param>
/// <param name="Length">Its length in slots.</param>
public sealed record LinkedFunction(string Name, string SectionName, int StartIndex, int Length);
