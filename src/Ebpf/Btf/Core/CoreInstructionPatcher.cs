using Ebpf.Isa;

namespace Ebpf.Btf.Core;

/// <summary>
/// Writes a relocation's outcome into its instruction as libbpf's <c>bpf_core_patch_insn</c> does: the immediate of an
/// ALU instruction, the offset (and, for a field that changed size, the width) of a load or store, the 64-bit value of
/// a <c>lddw</c>; or, for an outcome without a target, a call to the poison helper that the verifier rejects if reached.
/// </summary>
internal static class CoreInstructionPatcher
{
    /// <summary>The helper id a poisoned instruction calls: 0xbad2310, "bad relo"; the kernel reports "invalid func unknown#195896080".</summary>
    public const int PoisonHelperId = 0xbad2310;

    /// <summary>Patches <paramref name="slots"/>[<paramref name="index"/>] and returns what was done, in words.</summary>
    /// <exception cref="CoreRelocationFailure">The instruction does not hold what the relocation expects, or cannot take the new value.</exception>
    public static string Patch(Instruction[] slots, int index, CoreRelocationOutcome outcome)
    {
        var instruction = slots[index];
        if (outcome.Poison) return Poison(slots, index);

        ulong original = outcome.OriginalValue, value = outcome.NewValue;
        switch (instruction.Class)
        {
            case InstructionClass.Alu or InstructionClass.Alu64:
            {
                if (Opcodes.SourceOf(instruction.Opcode) != OperandSource.Immediate)
                    throw new CoreRelocationFailure($"the ALU instruction {instruction} takes a register operand, not an immediate to relocate");
                if (outcome.Validate && unchecked((ulong)(long)instruction.Immediate) != original)
                    throw new CoreRelocationFailure($"the ALU instruction holds {instruction.Immediate}, but the local BTF gives {original} (expected before relocating to {value})");
                slots[index] = new Instruction(instruction.Opcode, instruction.Destination, instruction.Source, instruction.Offset, unchecked((int)(uint)value));
                return $"ALU imm {instruction.Immediate} -> {unchecked((int)(uint)value)}";
            }
            case InstructionClass.Ldx or InstructionClass.St or InstructionClass.Stx:
            {
                if (outcome.Validate && unchecked((ulong)(long)instruction.Offset) != original)
                    throw new CoreRelocationFailure($"the load/store holds offset {instruction.Offset}, but the local BTF gives {original} (expected before relocating to {value})");
                if (value > (ulong)short.MaxValue)
                    throw new CoreRelocationFailure($"the field offset {value} does not fit the 16-bit offset of a load or store");
                if (outcome.MemorySizeAdjustFails)
                    return Poison(slots, index) + " (the field changed size and is neither a pointer nor an unsigned integer, so the access cannot follow it)";
                byte opcode = instruction.Opcode;
                string widthChange = "";
                if (outcome.NewSize != outcome.OriginalSize)
                {
                    int width = Opcodes.Bytes(Opcodes.SizeOf(opcode));
                    if (width != outcome.OriginalSize)
                        throw new CoreRelocationFailure($"the load/store is {width} bytes wide, but the local field is {outcome.OriginalSize}");
                    var newWidth = outcome.NewSize switch
                    {
                        1 => AccessSize.Byte,
                        2 => AccessSize.HalfWord,
                        4 => AccessSize.Word,
                        8 => AccessSize.DoubleWord,
                        _ => throw new CoreRelocationFailure($"the target field is {outcome.NewSize} bytes, which no load or store can access at once"),
                    };
                    opcode = (byte)(opcode & ~0x18 | (byte)newWidth);
                    widthChange = $", width {outcome.OriginalSize} -> {outcome.NewSize} bytes";
                }
                slots[index] = new Instruction(opcode, instruction.Destination, instruction.Source, (short)value, instruction.Immediate);
                return $"LDX/ST/STX off {instruction.Offset} -> {value}{widthChange}";
            }
            case InstructionClass.Ld:
            {
                if (!instruction.IsLddw || instruction.Source != 0 || instruction.Offset != 0 || index + 1 >= slots.Length
                    || slots[index + 1] is not { Opcode: 0, Destination: 0, Source: 0, Offset: 0 })
                    throw new CoreRelocationFailure($"the instruction {instruction} is not a plain 64-bit immediate load (lddw)");
                ulong current = (uint)instruction.Immediate | (ulong)(uint)slots[index + 1].Immediate << 32;
                if (outcome.Validate && current != original)
                    throw new CoreRelocationFailure($"the lddw holds {current}, but the local BTF gives {original} (expected before relocating to {value})");
                var (first, second) = Instruction.Lddw(instruction.Destination, value);
                slots[index] = first;
                slots[index + 1] = second;
                return $"LDIMM64 imm64 {current} -> {value}";
            }
            default:
                throw new CoreRelocationFailure($"the instruction {instruction} is not one a relocation can patch (ALU immediate, load, store or lddw)");
        }
    }

    private static string Poison(Instruction[] slots, int index)
    {
        var poison = new Instruction(Opcodes.Call, 0, 0, 0, PoisonHelperId);
        // The second slot of a lddw is poisoned too, so the verifier does not complain about an unknown opcode 0 first.
        if (slots[index].IsLddw && index + 1 < slots.Length) slots[index + 1] = poison;
        slots[index] = poison;
        return $"poisoned: call unknown#{PoisonHelperId}";
    }
}
