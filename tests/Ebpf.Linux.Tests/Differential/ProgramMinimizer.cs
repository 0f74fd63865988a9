using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Cuts a failing program down to the instructions the failure needs: removes one instruction (both slots of a
/// <c>lddw</c>) at a time, re-aiming the forward jumps and calls over it, and keeps each removal after which the program
/// still fails, until no single removal does. The final <c>exit</c> always stays, and so does the setup (the
/// leading constant moves, <c>lddw</c>s and whole-slot stack stores): without it a program could read what the
/// two engines start with differently (r1, and stack the kernel lets a privileged program read unwritten), and
/// differ for no interesting reason.
/// </summary>
internal static class ProgramMinimizer
{
    public static GeneratedProgram Minimize(GeneratedProgram program, Func<GeneratedProgram, bool> stillFails)
    {
        var current = program.Instructions;
        bool shrunk = true;
        while (shrunk)
        {
            shrunk = false;
            for (int start = current.Length - 2; start >= 0; start--)
            {
                if (start > 0 && current[start - 1].IsLddw) continue; // the second slot goes with its first
                if (start < SetupLength(current)) continue;
                int length = current[start].IsLddw ? 2 : 1;
                var candidate = new GeneratedProgram(program.Kind + " (minimized)", Remove(current, start, length));
                if (!stillFails(candidate)) continue;
                current = candidate.Instructions;
                shrunk = true;
            }
        }
        return new GeneratedProgram(program.Kind + " (minimized)", current);
    }

    /// <summary>The number of leading slots that only set registers to constants or write whole stack slots.</summary>
    public static int SetupLength(Instruction[] program)
    {
        int index = 0;
        while (index < program.Length)
        {
            var insn = program[index];
            if (insn.IsLddw) index += 2;
            else if (IsConstantMove(insn) || IsWholeSlotStackStore(insn)) index++;
            else break;
        }
        return index;
    }

    private static bool IsConstantMove(Instruction insn) =>
        Opcodes.IsAlu(insn.Opcode)
        && Opcodes.AluOperationOf(insn.Opcode) == AluOperation.Mov
        && Opcodes.SourceOf(insn.Opcode) == OperandSource.Immediate;

    private static bool IsWholeSlotStackStore(Instruction insn) =>
        insn.Class is InstructionClass.St or InstructionClass.Stx
        && Opcodes.ModeOf(insn.Opcode) == AccessMode.Memory
        && Opcodes.SizeOf(insn.Opcode) == AccessSize.DoubleWord
        && insn.Destination == 10;

    /// <summary>The program without slots [start, start + length); jumps across the gap get shorter.</summary>
    public static Instruction[] Remove(Instruction[] program, int start, int length)
    {
        var result = new List<Instruction>(program.Length - length);
        for (int i = 0; i < program.Length; i++)
        {
            if (i >= start && i < start + length) continue;
            var insn = program[i];
            if (i < start && IsJump(insn))
            {
                int target = i + 1 + JumpOffset(insn);
                if (target > start) insn = WithJumpOffset(insn, JumpOffset(insn) - Math.Min(length, target - start));
            }
            result.Add(insn);
        }
        return [.. result];
    }

    private static bool IsJump(Instruction insn) =>
        Opcodes.IsConditionalJump(insn.Opcode) || insn.Opcode is Opcodes.Ja or Opcodes.Ja32 || IsLocalCall(insn);

    private static bool IsLocalCall(Instruction insn) => insn.Opcode == Opcodes.Call && insn.Source == (byte)CallKind.Local;

    /// <summary>The relative target: in the immediate for <c>gotol</c> and calls, in the offset otherwise.</summary>
    private static bool OffsetInImmediate(Instruction insn) => insn.Opcode == Opcodes.Ja32 || IsLocalCall(insn);

    private static int JumpOffset(Instruction insn) => OffsetInImmediate(insn) ? insn.Immediate : insn.Offset;

    private static Instruction WithJumpOffset(Instruction insn, int offset) => OffsetInImmediate(insn)
        ? new Instruction(insn.Opcode, insn.Destination, insn.Source, insn.Offset, offset)
        : new Instruction(insn.Opcode, insn.Destination, insn.Source, checked((short)offset), insn.Immediate);
}
