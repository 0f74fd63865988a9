namespace Ebpf.Isa;

/// <summary>One reason a program is malformed, at one instruction slot.</summary>
/// <param name="InstructionIndex">The index of the offending slot.</param>
/// <param name="Reason">What is wrong, in words.</param>
public readonly record struct ValidationError(int InstructionIndex, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"instruction {InstructionIndex}: {Reason}";
}

/// <summary>
/// Checks the encoding rules of RFC 9669 that need no knowledge of types or memory: known opcodes, valid
/// registers, unused fields zero, jump targets inside the program and never into the second slot of a
/// <c>lddw</c>, no write to the read-only frame pointer r10, and no fall-through past the last instruction.
/// Every engine runs a program only after it passes; proving memory safety is the verifier's job.
/// </summary>
public static class ProgramValidator
{
    /// <summary>The frame pointer register, read-only to programs.</summary>
    public const int FramePointer = 10;

    /// <summary>The most instruction slots a program may have (the kernel's limit for privileged loaders).</summary>
    public const int MaxInstructions = 1_000_000;

    /// <summary>Throws <see cref="MalformedProgramException"/> for the first problem found, if any.</summary>
    public static void EnsureValid(Bytecode program)
    {
        var errors = Validate(program, stopAtFirst: true);
        if (errors.Count > 0) throw new MalformedProgramException(errors[0].InstructionIndex, errors[0].Reason);
    }

    /// <summary>Every problem found in the program, in slot order (only the first when <paramref name="stopAtFirst"/>).</summary>
    public static IReadOnlyList<ValidationError> Validate(Bytecode program, bool stopAtFirst = false)
    {
        var errors = new List<ValidationError>();
        var slots = program.Slots;
        if (slots.Length == 0)
        {
            errors.Add(new ValidationError(0, "the program has no instructions; it needs at least an exit"));
            return errors;
        }
        if (slots.Length > MaxInstructions)
        {
            errors.Add(new ValidationError(MaxInstructions, $"the program has {slots.Length} instructions, more than the limit of {MaxInstructions}"));
            return errors;
        }

        var isSecondSlot = new bool[slots.Length];
        for (int i = 0; i < slots.Length; i++)
        {
            if (slots[i].IsLddw && i + 1 < slots.Length)
            {
                isSecondSlot[i + 1] = true;
                i++;
            }
        }

        int lastInstruction = -1;
        for (int i = 0; i < slots.Length; i++)
        {
            lastInstruction = i;
            string? reason = CheckInstruction(slots, i, isSecondSlot);
            if (reason is not null)
            {
                errors.Add(new ValidationError(i, reason));
                if (stopAtFirst) return errors;
            }
            if (slots[i].IsLddw) i++;
        }

        var last = slots[lastInstruction];
        bool endsTheProgram = last.Opcode is Opcodes.Exit or Opcodes.Ja or Opcodes.Ja32;
        if (!endsTheProgram)
            errors.Add(new ValidationError(lastInstruction,
                "the last instruction can fall through past the end of the program; end it with exit or an unconditional goto"));
        return errors;
    }

    private static string? CheckInstruction(ReadOnlySpan<Instruction> slots, int index, bool[] isSecondSlot)
    {
        var insn = slots[index];
        if (insn.Destination > FramePointer) return $"invalid destination register r{insn.Destination}; registers are r0 to r10";
        if (insn.Source > FramePointer && UsesSourceRegister(insn))
            return $"invalid source register r{insn.Source}; registers are r0 to r10";

        string? reason = insn.Class switch
        {
            InstructionClass.Alu or InstructionClass.Alu64 => CheckAlu(insn),
            InstructionClass.Jmp or InstructionClass.Jmp32 => CheckJump(slots, index, isSecondSlot),
            InstructionClass.Ld => CheckLd(slots, index, isSecondSlot),
            InstructionClass.Ldx => CheckLdx(insn),
            InstructionClass.St => CheckSt(insn),
            _ => CheckStx(insn),
        };
        return reason;
    }

    private static bool UsesSourceRegister(Instruction insn) => insn.Class switch
    {
        InstructionClass.Alu or InstructionClass.Alu64 or InstructionClass.Jmp or InstructionClass.Jmp32 =>
            Opcodes.SourceOf(insn.Opcode) == OperandSource.Register,
        InstructionClass.St => false,
        _ => true,
    };

    private static string Unknown(Instruction insn) => $"unknown opcode 0x{insn.Opcode:x2}";

    private static string? MustBeZero(Instruction insn, bool destination = false, bool source = false, bool offset = false, bool immediate = false)
    {
        if (destination && insn.Destination != 0) return $"opcode 0x{insn.Opcode:x2} does not use the destination register field, which must be 0 (is {insn.Destination})";
        if (source && insn.Source != 0) return $"opcode 0x{insn.Opcode:x2} does not use the source register field, which must be 0 (is {insn.Source})";
        if (offset && insn.Offset != 0) return $"opcode 0x{insn.Opcode:x2} does not use the offset field, which must be 0 (is {insn.Offset})";
        if (immediate && insn.Immediate != 0) return $"opcode 0x{insn.Opcode:x2} does not use the immediate field, which must be 0 (is {insn.Immediate})";
        return null;
    }

    private static string? WritesFramePointer(Instruction insn) =>
        insn.Destination == FramePointer ? "r10 is the read-only frame pointer and cannot be written" : null;

    private static string? CheckAlu(Instruction insn)
    {
        bool is64 = insn.Class == InstructionClass.Alu64;
        bool byRegister = Opcodes.SourceOf(insn.Opcode) == OperandSource.Register;
        var op = Opcodes.AluOperationOf(insn.Opcode);
        string? fields;
        switch (op)
        {
            case AluOperation.Add or AluOperation.Sub or AluOperation.Mul or AluOperation.Or or AluOperation.And
                or AluOperation.Lsh or AluOperation.Rsh or AluOperation.Xor or AluOperation.Arsh:
                fields = byRegister ? MustBeZero(insn, offset: true, immediate: true) : MustBeZero(insn, source: true, offset: true);
                break;
            case AluOperation.Div or AluOperation.Mod:
                if (insn.Offset is not (0 or 1))
                    return $"opcode 0x{insn.Opcode:x2} takes offset 0 (unsigned) or 1 (signed), not {insn.Offset}";
                fields = byRegister ? MustBeZero(insn, immediate: true) : MustBeZero(insn, source: true);
                break;
            case AluOperation.Neg:
                if (byRegister) return Unknown(insn);
                fields = MustBeZero(insn, source: true, offset: true, immediate: true);
                break;
            case AluOperation.Mov:
                if (byRegister)
                {
                    bool validExtension = insn.Offset is 0 or 8 or 16 || (is64 && insn.Offset == 32);
                    if (!validExtension)
                        return $"opcode 0x{insn.Opcode:x2} takes offset 0 (move) or {(is64 ? "8, 16 or 32" : "8 or 16")} (sign-extending move), not {insn.Offset}";
                    fields = MustBeZero(insn, immediate: true);
                }
                else
                {
                    fields = MustBeZero(insn, source: true, offset: true);
                }
                break;
            case AluOperation.End:
                if (is64 && byRegister) return Unknown(insn);
                if (insn.Immediate is not (16 or 32 or 64))
                    return $"byte swap width must be 16, 32 or 64, not {insn.Immediate}";
                fields = MustBeZero(insn, source: true, offset: true);
                break;
            default:
                return Unknown(insn);
        }
        return fields ?? WritesFramePointer(insn);
    }

    private static string? CheckJump(ReadOnlySpan<Instruction> slots, int index, bool[] isSecondSlot)
    {
        var insn = slots[index];
        bool is32 = insn.Class == InstructionClass.Jmp32;
        bool byRegister = Opcodes.SourceOf(insn.Opcode) == OperandSource.Register;
        switch (Opcodes.JumpOperationOf(insn.Opcode))
        {
            case JumpOperation.Ja:
                if (byRegister) return Unknown(insn);
                if (is32)
                    return MustBeZero(insn, destination: true, source: true, offset: true) ?? CheckTarget(slots, index, insn.Immediate, isSecondSlot, "gotol");
                return MustBeZero(insn, destination: true, source: true, immediate: true) ?? CheckTarget(slots, index, insn.Offset, isSecondSlot, "goto");
            case JumpOperation.Call:
                if (is32) return Unknown(insn);
                if (byRegister) return MustBeZero(insn, source: true, offset: true, immediate: true);
                if (MustBeZero(insn, destination: true, offset: true) is { } callFields) return callFields;
                return (CallKind)insn.Source switch
                {
                    CallKind.Helper or CallKind.KernelFunction => null,
                    CallKind.Local => CheckTarget(slots, index, insn.Immediate, isSecondSlot, "call"),
                    _ => $"call with source field {insn.Source} is not a helper (0), local (1) or kernel function (2) call",
                };
            case JumpOperation.Exit:
                if (is32 || byRegister) return Unknown(insn);
                return MustBeZero(insn, destination: true, source: true, offset: true, immediate: true);
            case JumpOperation.Jeq or JumpOperation.Jgt or JumpOperation.Jge or JumpOperation.Jset or JumpOperation.Jne
                or JumpOperation.Jsgt or JumpOperation.Jsge or JumpOperation.Jlt or JumpOperation.Jle
                or JumpOperation.Jslt or JumpOperation.Jsle:
                return (byRegister ? MustBeZero(insn, immediate: true) : MustBeZero(insn, source: true))
                    ?? CheckTarget(slots, index, insn.Offset, isSecondSlot, "conditional jump");
            default:
                return Unknown(insn);
        }
    }

    private static string? CheckTarget(ReadOnlySpan<Instruction> slots, int index, long relative, bool[] isSecondSlot, string what)
    {
        long target = index + 1 + relative;
        if (target < 0 || target >= slots.Length)
            return $"{what} target {target} (offset {relative:+#;-#;0}) is outside the program (instructions 0 to {slots.Length - 1})";
        if (isSecondSlot[target])
            return $"{what} target {target} (offset {relative:+#;-#;0}) is the second half of the lddw at {target - 1}";
        return null;
    }

    private static string? CheckLd(ReadOnlySpan<Instruction> slots, int index, bool[] isSecondSlot)
    {
        var insn = slots[index];
        if (insn.Opcode == Opcodes.Lddw)
        {
            if (index + 1 >= slots.Length) return "lddw is missing its second instruction slot";
            var next = slots[index + 1];
            if (next.Opcode != 0 || next.Destination != 0 || next.Source != 0 || next.Offset != 0)
                return "the second slot of lddw must have opcode, registers and offset 0 (only its immediate is used)";
            if (insn.Offset != 0) return MustBeZero(insn, offset: true);
            if (insn.Source > (byte)LddwSource.MapValueByIndex)
                return $"lddw source field {insn.Source} is not a known pseudo form (0 to 6)";
            var kind = (LddwSource)insn.Source;
            if (kind is LddwSource.MapByFd or LddwSource.MapByIndex or LddwSource.Function && next.Immediate != 0)
                return $"lddw of kind {kind} uses only the first immediate; the second must be 0 (is {next.Immediate})";
            if (kind == LddwSource.Function && CheckTarget(slots, index, insn.Immediate, isSecondSlot, "function reference (lddw src=4)") is { } target)
                return target;
            return WritesFramePointer(insn);
        }
        if (Opcodes.IsPacketLoad(insn.Opcode) && Opcodes.SizeOf(insn.Opcode) != AccessSize.DoubleWord)
        {
            bool indirect = Opcodes.ModeOf(insn.Opcode) == AccessMode.Indirect;
            return MustBeZero(insn, destination: true, source: !indirect, offset: true);
        }
        return Unknown(insn);
    }

    private static string? CheckLdx(Instruction insn)
    {
        var mode = Opcodes.ModeOf(insn.Opcode);
        bool known = mode == AccessMode.Memory || (mode == AccessMode.MemorySignExtend && Opcodes.SizeOf(insn.Opcode) != AccessSize.DoubleWord);
        if (!known) return Unknown(insn);
        return MustBeZero(insn, immediate: true) ?? WritesFramePointer(insn);
    }

    private static string? CheckSt(Instruction insn) =>
        Opcodes.ModeOf(insn.Opcode) == AccessMode.Memory ? MustBeZero(insn, source: true) : Unknown(insn);

    private static string? CheckStx(Instruction insn)
    {
        var mode = Opcodes.ModeOf(insn.Opcode);
        if (mode == AccessMode.Memory) return MustBeZero(insn, immediate: true);
        if (mode != AccessMode.Atomic) return Unknown(insn);
        var size = Opcodes.SizeOf(insn.Opcode);
        if (size is not (AccessSize.Word or AccessSize.DoubleWord))
            return $"atomic operations work on 32 or 64 bits; opcode 0x{insn.Opcode:x2} is {Opcodes.Bytes(size) * 8}-bit";
        if (!Enum.IsDefined((AtomicOperation)insn.Immediate))
            return $"unknown atomic operation 0x{insn.Immediate:x} in the immediate";
        return null;
    }
}
