using CsCheck;
using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Single arithmetic instructions the kernel's verifier accepts on scalar registers r0–r9: every ALU and ALU64
/// operation in its K and X forms, signed and unsigned division and modulo, sign-extending moves and byte swaps.
/// </summary>
internal static class AluGenerators
{
    private static readonly AluOperation[] PlainOperations =
        [AluOperation.Add, AluOperation.Sub, AluOperation.Mul, AluOperation.Or, AluOperation.And, AluOperation.Xor, AluOperation.Mov];

    private static readonly AluOperation[] Shifts = [AluOperation.Lsh, AluOperation.Rsh, AluOperation.Arsh];

    /// <summary><c>dst op= imm</c> or <c>dst op= src</c> for add, sub, mul, or, and, xor and mov.</summary>
    public static readonly Gen<Instruction> Plain =
        from is64 in Gen.Bool
        from op in Gen.OneOfConst(PlainOperations)
        from byRegister in Gen.Bool
        from dst in Values.Register
        from src in Values.Register
        from imm in Values.Immediate
        select byRegister ? Emit.AluReg(is64, op, dst, src) : Emit.Alu(is64, op, dst, imm);

    /// <summary>
    /// Shifts. By register the amount is any value (the machine masks it to the width); by immediate it is below
    /// the width, since the verifier rejects a constant shift out of range.
    /// </summary>
    public static readonly Gen<Instruction> Shift =
        from is64 in Gen.Bool
        from op in Gen.OneOfConst(Shifts)
        from byRegister in Gen.Bool
        from dst in Values.Register
        from src in Values.Register
        from amount in Gen.Int[0, is64 ? 63 : 31]
        select byRegister ? Emit.AluReg(is64, op, dst, src) : Emit.Alu(is64, op, dst, amount);

    /// <summary>
    /// Division and modulo, unsigned (offset 0) and signed (offset 1). By register the divisor may be zero
    /// (x / 0 = 0, x % 0 = x) or -1 with a minimum dividend; by immediate it is never zero (the verifier refuses).
    /// </summary>
    public static readonly Gen<Instruction> Division =
        from is64 in Gen.Bool
        from op in Gen.OneOfConst(AluOperation.Div, AluOperation.Mod)
        from signed in Gen.Bool
        from byRegister in Gen.Bool
        from dst in Values.Register
        from src in Values.Register
        from imm in Gen.Frequency((2, Values.NonZeroImmediate), (1, Gen.Const(-1)))
        select byRegister
            ? Emit.AluReg(is64, op, dst, src, offset: (short)(signed ? 1 : 0))
            : Emit.Alu(is64, op, dst, imm, offset: (short)(signed ? 1 : 0));

    /// <summary><c>dst = -dst</c>, 32 and 64-bit.</summary>
    public static readonly Gen<Instruction> Negate =
        from is64 in Gen.Bool
        from dst in Values.Register
        select Emit.Alu(is64, AluOperation.Neg, dst, 0);

    /// <summary>
    /// Sign-extending moves (<c>movsx</c>, ISA v4): from 8 or 16 bits in ALU (then zero-extended from 32), from 8,
    /// 16 or 32 bits in ALU64.
    /// </summary>
    public static readonly Gen<Instruction> SignExtendingMove =
        from is64 in Gen.Bool
        from bits in is64 ? Gen.OneOfConst<short>(8, 16, 32) : Gen.OneOfConst<short>(8, 16)
        from dst in Values.Register
        from src in Values.Register
        select Emit.AluReg(is64, AluOperation.Mov, dst, src, offset: bits);

    /// <summary>Byte swaps: <c>le16/32/64</c> and <c>be16/32/64</c> (ALU), <c>bswap16/32/64</c> (ALU64, ISA v4).</summary>
    public static readonly Gen<Instruction> ByteSwap =
        from kind in Gen.Int[0, 2]
        from width in Gen.OneOfConst(16, 32, 64)
        from dst in Values.Register
        select kind switch
        {
            0 => Emit.Swap(InstructionClass.Alu, toBigEndian: false, dst, width),
            1 => Emit.Swap(InstructionClass.Alu, toBigEndian: true, dst, width),
            _ => Emit.Swap(InstructionClass.Alu64, toBigEndian: false, dst, width),
        };

    /// <summary>Any of the above, weighted towards the operations with the most edge cases.</summary>
    public static readonly Gen<Instruction> Any = Gen.Frequency(
        (6, Plain), (3, Shift), (3, Division), (1, Negate), (2, SignExtendingMove), (2, ByteSwap));
}
