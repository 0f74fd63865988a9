using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// How many bytes below r10 a function touches. When r10 is only ever the base of loads and stores with constant
/// offsets (how clang uses it), that is the deepest offset; once r10's value is copied anywhere (a pointer to the
/// stack escapes) the whole 512-byte frame counts. A new frame only needs that many bytes zeroed.
/// </summary>
internal static class StackUsage
{
    public static int BytesUsed(ReadOnlySpan<Instruction> code, Subprogram function)
    {
        int deepest = 0;
        for (int pc = function.Start; pc < function.End; pc++)
        {
            var insn = code[pc];
            if (insn.IsLddw)
            {
                pc++;
                continue;
            }
            if (EscapesFramePointer(insn)) return ExecutionLimits.StackBytesPerFrame;
            if (BaseRegister(insn) == ProgramValidator.FramePointer && insn.Offset < 0)
                deepest = Math.Max(deepest, -insn.Offset);
        }
        return Math.Min(ExecutionLimits.StackBytesPerFrame, (deepest + 7) & ~7);
    }

    /// <summary>
    /// Whether the function accesses r10 plus a non-negative offset: in a callee that reaches into the caller's
    /// frame, so every frame of the program must then be zeroed whole.
    /// </summary>
    public static bool ReachesAboveFrame(ReadOnlySpan<Instruction> code, Subprogram function)
    {
        for (int pc = function.Start; pc < function.End; pc++)
        {
            var insn = code[pc];
            if (insn.IsLddw) pc++;
            else if (BaseRegister(insn) == ProgramValidator.FramePointer && insn.Offset > -Opcodes.Bytes(Opcodes.SizeOf(insn.Opcode))) return true;
        }
        return false;
    }

    /// <summary>Whether an access through r10 with this offset and size stays inside the current frame.</summary>
    public static bool IsInsideFrame(short offset, int size) => offset >= -ExecutionLimits.StackBytesPerFrame && offset <= -size;

    /// <summary>The base register of a load or store, or -1.</summary>
    public static int BaseRegister(Instruction insn) => insn.Class switch
    {
        InstructionClass.Ldx => insn.Source,
        InstructionClass.St or InstructionClass.Stx => insn.Destination,
        _ => -1,
    };

    private static bool EscapesFramePointer(Instruction insn) => insn.Class switch
    {
        InstructionClass.Alu or InstructionClass.Alu64 or InstructionClass.Jmp or InstructionClass.Jmp32 =>
            Opcodes.SourceOf(insn.Opcode) == OperandSource.Register && insn.Source == ProgramValidator.FramePointer
            || insn.Destination == ProgramValidator.FramePointer && insn.Opcode != Opcodes.Ja && Opcodes.IsJumpClass(insn.Opcode),
        InstructionClass.Stx => insn.Source == ProgramValidator.FramePointer,
        InstructionClass.Ld => Opcodes.IsPacketLoad(insn.Opcode) && insn.Source == ProgramValidator.FramePointer,
        _ => false,
    };
}
