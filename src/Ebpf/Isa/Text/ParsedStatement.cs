namespace Ebpf.Isa.Text;

/// <summary>Which field of an instruction a label reference fills in once labels are known.</summary>
internal enum LabelField
{
    /// <summary>The 16-bit offset (<c>goto</c>, conditional jumps).</summary>
    Offset,
    /// <summary>The 32-bit immediate (<c>gotol</c>, <c>call</c>, <c>func(…) ll</c>).</summary>
    Immediate,
}

/// <summary>A use of a label by name, to be replaced by the distance from the next instruction to the label.</summary>
/// <param name="Name">The label.</param>
/// <param name="Field">The field the distance goes into.</param>
/// <param name="Column">The 1-based column of the name, for errors.</param>
internal readonly record struct LabelReference(string Name, LabelField Field, int Column);

/// <summary>One assembled instruction (one or two slots), possibly still waiting for a label's position.</summary>
/// <param name="First">The instruction, or the first slot of a <c>lddw</c>.</param>
/// <param name="Second">The second slot of a <c>lddw</c>; null otherwise.</param>
/// <param name="Target">The label whose distance still has to go into <see cref="First"/>, if any.</param>
internal readonly record struct ParsedInstruction(Instruction First, Instruction? Second, LabelReference? Target)
{
    /// <summary>How many slots the instruction takes.</summary>
    public int SlotCount => Second is null ? 1 : 2;
}

/// <summary>What one line of source holds: any number of label definitions, then at most one instruction.</summary>
/// <param name="Labels">The labels defined on the line, with their columns.</param>
/// <param name="Instruction">The instruction on the line, if any.</param>
internal readonly record struct ParsedLine(IReadOnlyList<(string Name, int Column)> Labels, ParsedInstruction? Instruction);
