using Ebpf.Isa;

namespace Ebpf.Linux.Tests;

/// <summary>Builds single instructions from their parts, so tests and generators read like the operations they emit.</summary>
internal static class Emit
{
    public static Instruction Alu(bool is64, AluOperation op, byte dst, int imm, short offset = 0) =>
        new(AluOpcode(is64, op, OperandSource.Immediate), dst, 0, offset, imm);

    public static Instruction AluReg(bool is64, AluOperation op, byte dst, byte src, short offset = 0) =>
        new(AluOpcode(is64, op, OperandSource.Register), dst, src, offset, 0);

    public static byte AluOpcode(bool is64, AluOperation op, OperandSource source) =>
        (byte)((byte)(is64 ? InstructionClass.Alu64 : InstructionClass.Alu) | (byte)op | (byte)source);

    public static Instruction Mov64(byte dst, int imm) => Alu(true, AluOperation.Mov, dst, imm);

    /// <summary>A byte swap: ALU class with source bit 0 = to little endian, 1 = to big endian; ALU64 = bswap.</summary>
    public static Instruction Swap(InstructionClass cls, bool toBigEndian, byte dst, int width) =>
        new((byte)((byte)cls | (byte)AluOperation.End | (toBigEndian ? (byte)OperandSource.Register : 0)), dst, 0, 0, width);

    public static Instruction Jump(bool is32, JumpOperation op, byte dst, int imm, short offset) =>
        new((byte)((byte)(is32 ? InstructionClass.Jmp32 : InstructionClass.Jmp) | (byte)op), dst, 0, offset, imm);

    public static Instruction JumpReg(bool is32, JumpOperation op, byte dst, byte src, short offset) =>
        new((byte)((byte)(is32 ? InstructionClass.Jmp32 : InstructionClass.Jmp) | (byte)op | (byte)OperandSource.Register), dst, src, offset, 0);

    public static Instruction Goto(short offset) => new(Opcodes.Ja, 0, 0, offset, 0);

    public static Instruction GotoLong(int offset) => new(Opcodes.Ja32, 0, 0, 0, offset);

    /// <summary>A bpf-to-bpf call to the function starting <paramref name="offset"/> + 1 slots further on.</summary>
    public static Instruction CallLocal(int offset) => new(Opcodes.Call, 0, (byte)CallKind.Local, 0, offset);

    public static Instruction Exit() => new(Opcodes.Exit, 0, 0, 0, 0);

    public static Instruction Load(AccessSize size, byte dst, byte src, short offset, bool signExtend = false) =>
        new((byte)((byte)InstructionClass.Ldx | (byte)(signExtend ? AccessMode.MemorySignExtend : AccessMode.Memory) | (byte)size), dst, src, offset, 0);

    public static Instruction Store(AccessSize size, byte dst, short offset, int imm) =>
        new((byte)((byte)InstructionClass.St | (byte)AccessMode.Memory | (byte)size), dst, 0, offset, imm);

    public static Instruction StoreReg(AccessSize size, byte dst, byte src, short offset) =>
        new((byte)((byte)InstructionClass.Stx | (byte)AccessMode.Memory | (byte)size), dst, src, offset, 0);

    public static Instruction Atomic(bool is64, AtomicOperation op, byte dst, byte src, short offset) =>
        new(is64 ? Opcodes.Atomic64 : Opcodes.Atomic32, dst, src, offset, (int)op);

    /// <summary>A legacy packet load: <c>r0 = ntoh(packet[imm])</c>, or <c>packet[src + imm]</c> when indirect.</summary>
    public static Instruction PacketLoad(bool indirect, AccessSize size, byte src, int imm) =>
        new((byte)((byte)InstructionClass.Ld | (byte)(indirect ? AccessMode.Indirect : AccessMode.Absolute) | (byte)size), 0, src, 0, imm);

    /// <summary>Appends both slots of <c>lddw dst, value</c>.</summary>
    public static void Lddw(List<Instruction> into, byte dst, ulong value)
    {
        var (first, second) = Instruction.Lddw(dst, value);
        into.Add(first);
        into.Add(second);
    }
}
