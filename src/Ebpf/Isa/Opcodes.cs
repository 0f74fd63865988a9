namespace Ebpf.Isa;

/// <summary>
/// Named opcode bytes and the arithmetic to split an opcode into its parts. The single table of encodings that
/// the decoder, validator, assembler, disassembler and engines all rely on.
/// </summary>
public static class Opcodes
{
    /// <summary><c>lddw</c>: the wide load that spans two instruction slots.</summary>
    public const byte Lddw = (byte)InstructionClass.Ld | (byte)AccessMode.Immediate | (byte)AccessSize.DoubleWord;
    /// <summary><c>call</c> by immediate (helper, local function or kfunc).</summary>
    public const byte Call = (byte)InstructionClass.Jmp | (byte)JumpOperation.Call;
    /// <summary><c>callx</c>: call the helper whose id is in the destination register.</summary>
    public const byte CallRegister = (byte)InstructionClass.Jmp | (byte)JumpOperation.Call | (byte)OperandSource.Register;
    /// <summary><c>exit</c>.</summary>
    public const byte Exit = (byte)InstructionClass.Jmp | (byte)JumpOperation.Exit;
    /// <summary><c>goto</c> with a 16-bit offset.</summary>
    public const byte Ja = (byte)InstructionClass.Jmp | (byte)JumpOperation.Ja;
    /// <summary><c>gotol</c>: unconditional jump with a 32-bit offset in the immediate.</summary>
    public const byte Ja32 = (byte)InstructionClass.Jmp32 | (byte)JumpOperation.Ja;
    /// <summary>64-bit atomic operation.</summary>
    public const byte Atomic64 = (byte)InstructionClass.Stx | (byte)AccessMode.Atomic | (byte)AccessSize.DoubleWord;
    /// <summary>32-bit atomic operation.</summary>
    public const byte Atomic32 = (byte)InstructionClass.Stx | (byte)AccessMode.Atomic | (byte)AccessSize.Word;

    /// <summary>The class of an opcode.</summary>
    public static InstructionClass ClassOf(byte opcode) => (InstructionClass)(opcode & 0x07);

    /// <summary>Whether an arithmetic or jump opcode takes its operand from the source register.</summary>
    public static OperandSource SourceOf(byte opcode) => (OperandSource)(opcode & 0x08);

    /// <summary>The arithmetic operation of an ALU or ALU64 opcode.</summary>
    public static AluOperation AluOperationOf(byte opcode) => (AluOperation)(opcode & 0xf0);

    /// <summary>The jump operation of a JMP or JMP32 opcode.</summary>
    public static JumpOperation JumpOperationOf(byte opcode) => (JumpOperation)(opcode & 0xf0);

    /// <summary>The access width of a load or store opcode.</summary>
    public static AccessSize SizeOf(byte opcode) => (AccessSize)(opcode & 0x18);

    /// <summary>The addressing mode of a load or store opcode.</summary>
    public static AccessMode ModeOf(byte opcode) => (AccessMode)(opcode & 0xe0);

    /// <summary>The number of bytes an access of the given width touches.</summary>
    public static int Bytes(AccessSize size) => size switch
    {
        AccessSize.Byte => 1,
        AccessSize.HalfWord => 2,
        AccessSize.Word => 4,
        _ => 8,
    };

    /// <summary>Whether the opcode is an arithmetic one (class ALU or ALU64).</summary>
    public static bool IsAlu(byte opcode) => ClassOf(opcode) is InstructionClass.Alu or InstructionClass.Alu64;

    /// <summary>Whether the opcode is in a jump class (JMP or JMP32), which includes call and exit.</summary>
    public static bool IsJumpClass(byte opcode) => ClassOf(opcode) is InstructionClass.Jmp or InstructionClass.Jmp32;

    /// <summary>Whether the opcode is a conditional jump (JMP or JMP32 class, neither ja, call nor exit).</summary>
    public static bool IsConditionalJump(byte opcode) =>
        IsJumpClass(opcode) && JumpOperationOf(opcode) is not (JumpOperation.Ja or JumpOperation.Call or JumpOperation.Exit);

    /// <summary>Whether the opcode is a legacy packet load (BPF_ABS or BPF_IND).</summary>
    public static bool IsPacketLoad(byte opcode) =>
        ClassOf(opcode) == InstructionClass.Ld && ModeOf(opcode) is AccessMode.Absolute or AccessMode.Indirect;
}
