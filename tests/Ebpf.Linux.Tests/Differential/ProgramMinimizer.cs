using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Cuts a failing program down to the instructions the failure needs: removes one instruction (both slots of a
/// <c>lddw</c>) at a time, re-aiming the forward jumps over it, and keeps each removal after which the program
/// still fails, until no single removal does. The final <c>exit</c> always stays.
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
                int length = current[start].IsLddw ? 2 : 1;
                var candidate = new GeneratedProgram(program.Kind + " (minimized)", Remove(current, start, length));
                if (!stillFails(candidate)) continue;
                current = candidate.Instructions;
                shrunk = true;
            }
        }
        return new GeneratedProgram(program.Kind + " (minimized)", current);
    }

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
        Opcodes.IsConditionalJump(insn.Opcode) || insn.Opcode is Opcodes.Ja or Opcodes.Ja32;

    private static int JumpOffset(Instruction insn) => insn.Opcode == Opcodes.Ja32 ? insn.Immediate : insn.Offset;

    private static Instruction WithJumpOffset(Instruction insn, int offset) => insn.Opcode == Opcodes.Ja32
        ? new Instruction(insn.Opcode, insn.Destination, insn.Source, insn.Offset, offset)
        : new Instruction(insn.Opcode, insn.Destination, insn.Source, checked((short)offset), insn.Immediate);
}
