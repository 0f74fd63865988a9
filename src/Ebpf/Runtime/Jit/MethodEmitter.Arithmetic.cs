using System.Reflection.Emit;
using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

internal sealed partial class MethodEmitter
{
    private void EmitArithmetic(Instruction insn)
    {
        bool is64 = insn.Class == InstructionClass.Alu64;
        var operation = Opcodes.AluOperationOf(insn.Opcode);
        bool byRegister = Opcodes.SourceOf(insn.Opcode) == OperandSource.Register;
        int dst = insn.Destination;

        switch (operation)
        {
            case AluOperation.Mov:
                EmitMove(insn, is64, byRegister);
                return;
            case AluOperation.End:
                EmitByteSwap(insn, is64, byRegister);
                return;
            case AluOperation.Neg:
                LoadRegister(dst);
                if (!is64) _il.Emit(OpCodes.Conv_U4);
                _il.Emit(OpCodes.Neg);
                if (!is64) _il.Emit(OpCodes.Conv_U8);
                StoreRegister(dst);
                return;
        }

        LoadRegister(dst);
        if (!is64) _il.Emit(OpCodes.Conv_U4);
        bool isShift = operation is AluOperation.Lsh or AluOperation.Rsh or AluOperation.Arsh;
        if (isShift)
        {
            int mask = is64 ? 63 : 31;
            if (byRegister)
            {
                LoadRegister(insn.Source);
                _il.Emit(OpCodes.Conv_U4);
                _il.Emit(OpCodes.Ldc_I4, mask);
                _il.Emit(OpCodes.And);
            }
            else
            {
                _il.Emit(OpCodes.Ldc_I4, insn.Immediate & mask);
            }
        }
        else
        {
            EmitOperand(insn, is64, byRegister);
        }

        switch (operation)
        {
            case AluOperation.Add: _il.Emit(OpCodes.Add); break;
            case AluOperation.Sub: _il.Emit(OpCodes.Sub); break;
            case AluOperation.Mul: _il.Emit(OpCodes.Mul); break;
            case AluOperation.Or: _il.Emit(OpCodes.Or); break;
            case AluOperation.And: _il.Emit(OpCodes.And); break;
            case AluOperation.Xor: _il.Emit(OpCodes.Xor); break;
            case AluOperation.Lsh: _il.Emit(OpCodes.Shl); break;
            case AluOperation.Rsh: _il.Emit(OpCodes.Shr_Un); break;
            case AluOperation.Arsh: _il.Emit(OpCodes.Shr); break;
            case AluOperation.Div:
                Call(insn.Offset == 0 ? (is64 ? JitMembers.Div64 : JitMembers.Div32) : (is64 ? JitMembers.SignedDiv64 : JitMembers.SignedDiv32));
                break;
            case AluOperation.Mod:
                Call(insn.Offset == 0 ? (is64 ? JitMembers.Mod64 : JitMembers.Mod32) : (is64 ? JitMembers.SignedMod64 : JitMembers.SignedMod32));
                break;
        }
        if (!is64) _il.Emit(OpCodes.Conv_U8);
        StoreRegister(dst);
    }

    /// <summary>Pushes the second operand: a register, or the immediate (sign-extended for 64-bit operations).</summary>
    private void EmitOperand(Instruction insn, bool is64, bool byRegister)
    {
        if (byRegister)
        {
            LoadRegister(insn.Source);
            if (!is64) _il.Emit(OpCodes.Conv_U4);
        }
        else if (is64)
        {
            LoadImmediate64(insn.Immediate);
        }
        else
        {
            _il.Emit(OpCodes.Ldc_I4, insn.Immediate);
        }
    }

    private void EmitMove(Instruction insn, bool is64, bool byRegister)
    {
        if (!byRegister)
        {
            if (is64) LoadImmediate64(insn.Immediate);
            else _il.Emit(OpCodes.Ldc_I8, (long)(uint)insn.Immediate);
            StoreRegister(insn.Destination);
            return;
        }
        LoadRegister(insn.Source);
        switch (insn.Offset)
        {
            case 8: _il.Emit(OpCodes.Conv_I1); break;
            case 16: _il.Emit(OpCodes.Conv_I2); break;
            case 32: _il.Emit(OpCodes.Conv_I4); break;
        }
        if (insn.Offset != 0) _il.Emit(is64 ? OpCodes.Conv_I8 : OpCodes.Conv_U8);
        if (!is64)
        {
            _il.Emit(OpCodes.Conv_U4);
            _il.Emit(OpCodes.Conv_U8);
        }
        StoreRegister(insn.Destination);
    }

    private void EmitByteSwap(Instruction insn, bool is64, bool toBigEndian)
    {
        // ALU64 bswap always swaps; ALU le/be swap when the host order differs from the requested one.
        bool swap = is64 || toBigEndian == BitConverter.IsLittleEndian;
        LoadRegister(insn.Destination);
        switch (insn.Immediate)
        {
            case 16:
                _il.Emit(OpCodes.Conv_U2);
                if (swap) Call(JitMembers.Swap16);
                _il.Emit(OpCodes.Conv_U8);
                break;
            case 32:
                _il.Emit(OpCodes.Conv_U4);
                if (swap) Call(JitMembers.Swap32);
                _il.Emit(OpCodes.Conv_U8);
                break;
            default:
                if (swap) Call(JitMembers.Swap64);
                break;
        }
        StoreRegister(insn.Destination);
    }

    private void EmitLddw(Instruction first, ulong value)
    {
        _il.Emit(OpCodes.Ldc_I8, (long)value);
        StoreRegister(first.Destination);
    }
}
