namespace Ebpf.Isa.Text;

/// <summary>One line of a disassembly: one instruction, which spans two slots for a <c>lddw</c>.</summary>
/// <param name="Index">The index of the instruction's first slot in the program.</param>
/// <param name="SlotCount">How many 8-byte slots the line covers: 2 for a <c>lddw</c>, otherwise 1.</param>
/// <param name="Text">The instruction in LLVM's syntax, without the index column.</param>
public readonly record struct DisassembledLine(int Index, int SlotCount, string Text)
{
    /// <summary>The line as <c>llvm-objdump -d --no-show-raw-insn</c> lays it out: right-aligned index, colon, tab, text.</summary>
    public override string ToString() => $"{Index,8}:\t{Text}";
}
