namespace Ebpf.Isa.Text;

/// <summary>
/// Turns eBPF assembly in LLVM's syntax into bytecode: everything the <see cref="Disassembler"/> writes, in either
/// radix, plus labels, comments and <c>llvm-objdump</c>'s index column.
/// </summary>
/// <remarks>
/// <para>One instruction per line. A line may start with an index column as <c>llvm-objdump</c> prints it
/// (<c>12:</c>, ignored) and with label definitions (<c>loop:</c>); a label may also stand alone on its line.
/// <c>#</c>, <c>//</c> and <c>;</c> start a comment that runs to the end of the line.</para>
/// <para>Jump and call targets are signed distances from the next instruction (<c>goto +3</c>, <c>goto -5</c>,
/// <c>gotol +70000</c>, <c>call pc+3</c>) or label names (<c>goto loop</c>, <c>if r1 &gt; r2 goto out</c>,
/// <c>gotol far</c>, <c>call helper_function</c>, <c>r1 = func(callback) ll</c>). <c>call NAME</c> assembles a
/// bpf-to-bpf call (source field 1); <c>call 5</c> a helper call; <c>call kfunc(5)</c> a kernel function call.
/// A function's address (a <c>lddw</c> with source 4) is also written as LLVM does, <c>r1 = callback ll</c>, or as
/// <c>llvm-objdump</c> prints a <c>lddw</c> with a source field, <c>ld_pseudo r1, 4, 8</c>.</para>
/// <para>Numbers are decimal or <c>0x</c> hexadecimal, with an optional sign. Ranges are checked: offsets are
/// signed 16-bit; 32-bit immediates accept anything that fits as signed or unsigned 32-bit (<c>r1 = 0xffffffff</c>
/// assembles like <c>r1 = -1</c>, as <c>llvm-mc</c> does; unlike <c>llvm-mc</c>, wider values are an error, not
/// truncated); <c>lddw</c> (<c>r1 = … ll</c>) and <c>.quad</c> take any signed or unsigned 64-bit value.</para>
/// <para>Arithmetic and jumps take r registers for 64-bit and w registers for 32-bit operations, and both operands
/// must agree. Loads, stores and atomics take either for the value register (<c>*(u32 *)(r10 - 8) = w1</c> equals
/// <c>= r1</c>) but need an r register for the address. Register names above r10/w10 are rejected. The program's
/// meaning is not checked (jump targets, writes to r10, ending in exit): that is <see cref="ProgramValidator"/>'s job.</para>
/// </remarks>
public static class Assembler
{
    /// <summary>Assembles <paramref name="source"/> into bytecode.</summary>
    /// <exception cref="AssemblerException">
    /// The first problem in the source, with its line and column: a syntax error, an out-of-range number, an invalid
    /// register, an unknown or duplicate label, or a label too far away for the jump's field.
    /// </exception>
    public static Bytecode Assemble(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var instructions = new List<(ParsedInstruction Instruction, int Slot, int Line)>();
        int slot = 0;
        string[] lines = source.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            var parsed = LineParser.Parse(lines[i].TrimEnd('\r'), lineNumber);
            foreach (var (name, column) in parsed.Labels)
            {
                if (!labels.TryAdd(name, slot))
                    throw new AssemblerException(lineNumber, column, $"the label '{name}' is already defined (at instruction {labels[name]})");
            }
            if (parsed.Instruction is { } instruction)
            {
                instructions.Add((instruction, slot, lineNumber));
                slot += instruction.SlotCount;
            }
        }

        var slots = new List<Instruction>(slot);
        foreach (var (instruction, at, line) in instructions)
        {
            var first = instruction.Target is { } target ? Resolve(instruction.First, target, at, line, labels) : instruction.First;
            slots.Add(first);
            if (instruction.Second is { } second) slots.Add(second);
        }
        return new Bytecode(slots);
    }

    private static Instruction Resolve(Instruction insn, LabelReference target, int slot, int line, Dictionary<string, int> labels)
    {
        if (!labels.TryGetValue(target.Name, out int destination))
            throw new AssemblerException(line, target.Column, $"unknown label '{target.Name}'");
        long distance = (long)destination - (slot + 1);
        if (target.Field == LabelField.Immediate)
            return new Instruction(insn.Opcode, insn.Destination, insn.Source, insn.Offset, checked((int)distance));
        if (distance < short.MinValue || distance > short.MaxValue)
            throw new AssemblerException(line, target.Column,
                $"the label '{target.Name}' is {distance} instructions away, beyond the 16-bit jump offset (-32768 to 32767); use gotol for far jumps");
        return new Instruction(insn.Opcode, insn.Destination, insn.Source, (short)distance, insn.Immediate);
    }
}
