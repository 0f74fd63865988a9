namespace Ebpf.Elf;

/// <summary>What a resolved relocation of a program instruction refers to.</summary>
public enum ProgramRelocationKind
{
    /// <summary>An <c>lddw</c> of a map (now <c>src=5</c>, immediate = map index).</summary>
    Map,
    /// <summary>An <c>lddw</c> of an address inside a global-data map's value (now <c>src=6</c>).</summary>
    MapValue,
    /// <summary>A bpf-to-bpf <c>call</c> (<c>src=1</c>) to a function linked into the program.</summary>
    Call,
    /// <summary>An <c>lddw</c> of a function's address (<c>src=4</c>), e.g. a <c>bpf_loop</c> callback.</summary>
    FunctionAddress,
}

/// <summary>One relocation the loader resolved in a linked program, kept for diagnostics.</summary>
/// <param name="InstructionIndex">The instruction slot in the linked program.</param>
/// <param name="Kind">What was resolved.</param>
/// <param name="Target">The map or function name.</param>
/// <param name="MapIndex">The index in <see cref="CollectionSpec.Maps"/>, or -1 for a function.</param>
/// <param name="Offset">For <see cref="ProgramRelocationKind.MapValue"/>, the byte offset in the value; else 0.</param>
public sealed record ProgramRelocation(int InstructionIndex, ProgramRelocationKind Kind, string Target, int MapIndex, uint Offset);
