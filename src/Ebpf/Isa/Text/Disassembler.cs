using System.Text;

namespace Ebpf.Isa.Text;

/// <summary>
/// Turns instructions into text exactly as <c>llvm-objdump -d --no-show-raw-insn</c> prints them: LLVM 14's
/// decimal numbers or LLVM 19's hexadecimal ones (<see cref="DisassemblyOptions.Radix"/>), jump distances relative
/// to the next instruction (<c>goto +3</c>), and LLVM 19's syntax for instructions LLVM 14 did not know
/// (<c>r1 s/= r2</c>, <c>r1 = (s8)r2</c>, <c>r0 = *(s8 *)(r1 + 0)</c>, <c>r1 = bswap32 r1</c>, <c>gotol +70000</c>,
/// <c>callx r2</c>).
/// </summary>
/// <remarks>
/// <para>Where LLVM's text is lossy or missing, this writes a form that the <see cref="Assembler"/> reads back:</para>
/// <list type="bullet">
/// <item>32-bit atomics use w registers (<c>lock *(u32 *)(r1 + 0) |= w2</c>), as LLVM prints them with the alu32
/// feature; plain <c>llvm-objdump</c> prints most of them as <c>&lt;unknown&gt;</c>.</item>
/// <item><c>lddw</c> with a pseudo source: <c>r1 = map_fd(5) ll</c>, <c>r1 = map_value(5, 8) ll</c>,
/// <c>r1 = btf_id(7, 0) ll</c>, <c>r1 = func(+3) ll</c>, <c>r1 = map_idx(2) ll</c>, <c>r1 = map_idx_value(2, 8) ll</c>
/// (the second number is the second slot's immediate).</item>
/// <item>An indirect packet load with a nonzero immediate: <c>r0 = *(u32 *)skb[r1 + 4]</c>.</item>
/// <item>Local and kernel function calls when <see cref="DisassemblyOptions.DistinguishCalls"/> is on:
/// <c>call pc+5</c>, <c>call kfunc(5)</c>.</item>
/// <item>Any slot the syntax cannot express exactly (unknown opcode, register field above 10, nonzero unused
/// field, <c>lddw</c> without a proper second slot) is written <c>.quad 0x…</c>: the slot's eight bytes read as one
/// little-endian 64-bit number, sixteen hex digits. The assembler (and <c>llvm-mc</c>) turn it back into the same
/// bytes, so with <see cref="DisassemblyOptions.DistinguishCalls"/> on every program round-trips exactly.</item>
/// </list>
/// </remarks>
public static class Disassembler
{
    /// <summary>The text of one instruction, without an index column.</summary>
    /// <param name="instruction">The instruction, or the first slot of a <c>lddw</c>.</param>
    /// <param name="next">The following slot; a <c>lddw</c> without it is written as a raw slot.</param>
    /// <param name="options">Radix and call style; <see cref="DisassemblyOptions.Default"/> when null.</param>
    public static string Format(Instruction instruction, Instruction? next = null, DisassemblyOptions? options = null) =>
        InstructionFormatter.TryFormat(instruction, next, options ?? DisassemblyOptions.Default) ?? FormatRawSlot(instruction);

    /// <summary>The <c>.quad 0x…</c> line that stands for one slot exactly, whatever it holds.</summary>
    public static string FormatRawSlot(Instruction slot) => $"{InstructionSyntax.RawSlotDirective} {NumberFormatter.Raw64(slot.ToUInt64())}";

    /// <summary>One line per instruction of <paramref name="program"/>; a <c>lddw</c> line covers two slots.</summary>
    public static IReadOnlyList<DisassembledLine> Disassemble(Bytecode program, DisassemblyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        options ??= DisassemblyOptions.Default;
        var slots = program.Slots;
        var lines = new List<DisassembledLine>(slots.Length);
        for (int index = 0; index < slots.Length;)
        {
            Instruction? next = index + 1 < slots.Length ? slots[index + 1] : null;
            string? text = InstructionFormatter.TryFormat(slots[index], next, options);
            int slotCount = text is not null && slots[index].IsLddw ? 2 : 1;
            lines.Add(new DisassembledLine(index, slotCount, text ?? FormatRawSlot(slots[index])));
            index += slotCount;
        }
        return lines;
    }

    /// <summary>
    /// The whole program as text, one instruction per line ending in a newline. With
    /// <paramref name="includeIndexColumn"/> each line starts with the slot index as <c>llvm-objdump</c> lays it out
    /// (<c>"       0:\t"</c>); the <see cref="Assembler"/> accepts and ignores that column.
    /// </summary>
    public static string ToText(Bytecode program, DisassemblyOptions? options = null, bool includeIndexColumn = true)
    {
        var text = new StringBuilder();
        foreach (var line in Disassemble(program, options))
            text.Append(includeIndexColumn ? line.ToString() : line.Text).Append('\n');
        return text.ToString();
    }
}
