using System.Reflection.Emit;
using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

internal sealed partial class MethodEmitter
{
    private void EmitCall(Instruction insn, int pc)
    {
        SaveExecuted();
        if (insn.Source == (byte)CallKind.Local && insn.Opcode != Opcodes.CallRegister)
        {
            EmitLocalCall(pc + 1 + insn.Immediate, pc);
            return;
        }
        bool callbacks = _compilation.HasFunctionReferences;
        if (callbacks)
        {
            // A callback the helper runs goes one frame below this one and counts on from this instruction count.
            LoadContext();
            _il.Emit(OpCodes.Ldarg, (short)DepthArgument);
            Call(JitMembers.EnterCallbackHelper);
        }
        if (insn.Opcode == Opcodes.CallRegister)
        {
            LoadContext();
            LoadRegister(insn.Destination);
            for (int register = 1; register <= 5; register++) LoadRegister(register);
            _il.Emit(OpCodes.Ldc_I4, pc);
            Call(JitMembers.CallHelperById);
            StoreRegister(0);
            if (callbacks) ReloadRemaining();
            return;
        }
        LoadContext();
        _il.Emit(OpCodes.Ldc_I4, _compilation.HelperSiteOf(pc));
        for (int register = 1; register <= 5; register++) LoadRegister(register);
        _il.Emit(OpCodes.Ldc_I4, pc);
        Call(JitMembers.CallHelper);
        StoreRegister(0);
        if (callbacks) ReloadRemaining();
        if (insn.Immediate == JitCompilation.TailCallHelperId) EmitReturnIfAborted();
    }

    private void EmitLocalCall(int target, int pc)
    {
        // The kernel's limit of nested frames (the entry function is depth 0), in both modes: it bounds the host stack.
        var deepEnough = _il.DefineLabel();
        _il.Emit(OpCodes.Ldarg, (short)DepthArgument);
        _il.Emit(OpCodes.Ldc_I4, ExecutionLimits.MaxCallFrames - 1);
        _il.Emit(OpCodes.Blt, deepEnough);
        _il.Emit(OpCodes.Ldc_I4, pc);
        Call(JitMembers.ThrowCallTooDeep);
        _il.MarkLabel(deepEnough);
        _il.Emit(OpCodes.Ldnull);
        for (int register = 0; register <= 9; register++) LoadRegister(register);
        LoadRegister(10);
        _il.Emit(OpCodes.Ldc_I8, (long)ExecutionLimits.StackBytesPerFrame);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Ldarg, (short)DepthArgument);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Add);
        LoadContext();
        _il.Emit(OpCodes.Call, _compilation.MethodAt(target));
        StoreRegister(0);
        ReloadRemaining();
        for (int register = 1; register <= 5; register++)
        {
            LoadContext();
            _il.Emit(OpCodes.Ldfld, JitMembers.ReturnedArguments[register - 1]);
            StoreRegister(register);
        }
        if (_compilation.HasPacketLoads || _compilation.HasTailCalls) EmitReturnIfAborted();
    }

    private void EmitPacketLoad(Instruction insn)
    {
        LoadContext();
        _il.Emit(OpCodes.Ldc_I4, (int)insn.Opcode);
        _il.Emit(OpCodes.Ldc_I4, insn.Immediate);
        if (Opcodes.ModeOf(insn.Opcode) == AccessMode.Indirect) LoadRegister(insn.Source);
        else _il.Emit(OpCodes.Ldc_I8, 0L);
        Call(JitMembers.LoadPacket);
        StoreRegister(0);
        EmitReturnIfAborted();
    }

    /// <summary>
    /// A legacy packet load out of bounds, or a successful tail call, ends the whole program (r0 = 0), through every
    /// frame.
    /// </summary>
    private void EmitReturnIfAborted()
    {
        var goOn = _il.DefineLabel();
        LoadContext();
        Call(JitMembers.IsEnding);
        _il.Emit(OpCodes.Brfalse, goOn);
        SaveExecuted();
        _il.Emit(OpCodes.Ldc_I8, 0L);
        _il.Emit(OpCodes.Ret);
        _il.MarkLabel(goOn);
    }
}
