using System.Reflection.Emit;
using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

internal sealed partial class MethodEmitter
{
    private void EmitJumpOrCall(Instruction insn, int pc)
    {
        var operation = Opcodes.JumpOperationOf(insn.Opcode);
        switch (operation)
        {
            case JumpOperation.Ja:
                _il.Emit(OpCodes.Br, LabelOf(Subprograms.JumpTarget(insn, pc)!.Value));
                return;
            case JumpOperation.Exit:
                EmitExit();
                return;
            case JumpOperation.Call:
                EmitCall(insn, pc);
                return;
        }

        bool is64 = insn.Class == InstructionClass.Jmp;
        bool byRegister = Opcodes.SourceOf(insn.Opcode) == OperandSource.Register;
        var target = LabelOf(pc + 1 + insn.Offset);
        LoadRegister(insn.Destination);
        if (!is64) _il.Emit(OpCodes.Conv_U4);
        EmitOperand(insn, is64, byRegister);
        switch (operation)
        {
            case JumpOperation.Jeq: _il.Emit(OpCodes.Beq, target); break;
            case JumpOperation.Jne: _il.Emit(OpCodes.Bne_Un, target); break;
            case JumpOperation.Jgt: _il.Emit(OpCodes.Bgt_Un, target); break;
            case JumpOperation.Jge: _il.Emit(OpCodes.Bge_Un, target); break;
            case JumpOperation.Jlt: _il.Emit(OpCodes.Blt_Un, target); break;
            case JumpOperation.Jle: _il.Emit(OpCodes.Ble_Un, target); break;
            case JumpOperation.Jsgt: _il.Emit(OpCodes.Bgt, target); break;
            case JumpOperation.Jsge: _il.Emit(OpCodes.Bge, target); break;
            case JumpOperation.Jslt: _il.Emit(OpCodes.Blt, target); break;
            case JumpOperation.Jsle: _il.Emit(OpCodes.Ble, target); break;
            case JumpOperation.Jset:
                _il.Emit(OpCodes.And);
                _il.Emit(OpCodes.Brtrue, target);
                break;
        }
    }

    private void EmitExit()
    {
        SaveExecuted();
        if (!_isEntry)
        {
            // Hand r1–r5 back: after a call the caller sees them as the callee left them, as in the interpreter.
            for (int register = 1; register <= 5; register++)
            {
                LoadContext();
                LoadRegister(register);
                _il.Emit(OpCodes.Stfld, JitMembers.ReturnedArguments[register - 1]);
            }
        }
        LoadRegister(0);
        _il.Emit(OpCodes.Ret);
    }
}
