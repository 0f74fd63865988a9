using System.Reflection.Emit;
using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

internal sealed partial class MethodEmitter
{
    private void EmitLoad(Instruction insn, int pc)
    {
        int field = insn.Opcode == 0x61 ? Array.IndexOf(_compilation.ContextPointerFields, (int)insn.Offset) : -1;
        if (field >= 0)
        {
            EmitContextCandidateLoad(insn, field, pc);
            return;
        }
        EmitPlainLoad(insn, pc);
    }

    /// <summary>
    /// A 4-byte load at a context pointer field's offset: from the run's context it gives the 64-bit host pointer
    /// (as the kernel's rewrite of <c>data</c>/<c>data_end</c> loads does), from anywhere else it is a plain load.
    /// </summary>
    private void EmitContextCandidateLoad(Instruction insn, int field, int pc)
    {
        var plain = _il.DefineLabel();
        var done = _il.DefineLabel();
        _pointer ??= _il.DeclareLocal(typeof(ulong));
        LoadContext();
        _il.Emit(OpCodes.Ldfld, JitMembers.Run);
        LoadRegister(insn.Source);
        _il.Emit(OpCodes.Ldc_I8, (long)insn.Offset);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldc_I4, (int)insn.Offset);
        _il.Emit(OpCodes.Ldc_I4, field);
        _il.Emit(OpCodes.Ldloca, _pointer);
        Call(JitMembers.TryLoadContextPointer);
        _il.Emit(OpCodes.Brfalse, plain);
        _il.Emit(OpCodes.Ldloc, _pointer);
        StoreRegister(insn.Destination);
        _il.Emit(OpCodes.Br, done);
        _il.MarkLabel(plain);
        EmitPlainLoad(insn, pc);
        _il.MarkLabel(done);
    }

    private void EmitPlainLoad(Instruction insn, int pc)
    {
        int size = Opcodes.Bytes(Opcodes.SizeOf(insn.Opcode));
        EmitAddress(insn.Source, insn.Offset, size, write: false, pc);
        bool signed = Opcodes.ModeOf(insn.Opcode) == AccessMode.MemorySignExtend;
        switch (size)
        {
            case 1: _il.Emit(signed ? OpCodes.Ldind_I1 : OpCodes.Ldind_U1); break;
            case 2: _il.Emit(signed ? OpCodes.Ldind_I2 : OpCodes.Ldind_U2); break;
            case 4: _il.Emit(signed ? OpCodes.Ldind_I4 : OpCodes.Ldind_U4); break;
            default: _il.Emit(OpCodes.Ldind_I8); break;
        }
        if (size < 8) _il.Emit(signed ? OpCodes.Conv_I8 : OpCodes.Conv_U8);
        StoreRegister(insn.Destination);
    }

    private void EmitStore(Instruction insn, int pc)
    {
        int size = Opcodes.Bytes(Opcodes.SizeOf(insn.Opcode));
        EmitAddress(insn.Destination, insn.Offset, size, write: true, pc);
        if (insn.Class == InstructionClass.Stx) LoadRegister(insn.Source);
        else LoadImmediate64(insn.Immediate);
        if (size < 8) _il.Emit(OpCodes.Conv_U4);
        switch (size)
        {
            case 1: _il.Emit(OpCodes.Stind_I1); break;
            case 2: _il.Emit(OpCodes.Stind_I2); break;
            case 4: _il.Emit(OpCodes.Stind_I4); break;
            default: _il.Emit(OpCodes.Stind_I8); break;
        }
    }

    /// <summary>
    /// Pushes the native address <c>base + offset</c>. In checked mode the access is tested first: one compare for
    /// the run's first region (usually the packet or memory), one for the stack (this frame and its callers'), then
    /// the run's other regions in <see cref="JitRuntime"/>. r10 plus a constant inside the frame needs no test.
    /// </summary>
    private void EmitAddress(int baseRegister, short offset, int size, bool write, int pc)
    {
        LoadRegister(baseRegister);
        if (offset != 0)
        {
            _il.Emit(OpCodes.Ldc_I8, (long)offset);
            _il.Emit(OpCodes.Add);
        }
        if (_checked && !IsStaticallyInsideFrame(baseRegister, offset, size))
        {
            _il.Emit(OpCodes.Stloc, _address);
            var inBounds = _il.DefineLabel();
            _il.Emit(OpCodes.Ldloc, _address);
            _il.Emit(OpCodes.Ldloc, _fastStart);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Ldloc, _fastBounds[(size, write)]);
            _il.Emit(OpCodes.Blt_Un, inBounds);
            _il.Emit(OpCodes.Ldloc, _address);
            _il.Emit(OpCodes.Ldloc, _stackLow);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Ldloc, _stackBounds[size]);
            _il.Emit(OpCodes.Blt_Un, inBounds);
            SaveExecuted();
            LoadContext();
            _il.Emit(OpCodes.Ldloc, _address);
            _il.Emit(OpCodes.Ldc_I4, size);
            _il.Emit(write ? OpCodes.Ldc_I4_1 : OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Ldloc, _stackLow);
            _il.Emit(OpCodes.Ldc_I4, pc);
            Call(JitMembers.CheckRegion);
            _il.MarkLabel(inBounds);
            _il.Emit(OpCodes.Ldloc, _address);
        }
        _il.Emit(OpCodes.Conv_U);
    }

    private void EmitAtomic(Instruction insn, int pc)
    {
        bool is64 = Opcodes.SizeOf(insn.Opcode) == AccessSize.DoubleWord;
        int size = is64 ? 8 : 4;
        var operation = (AtomicOperation)insn.Immediate;
        LoadRegister(insn.Destination);
        if (insn.Offset != 0)
        {
            _il.Emit(OpCodes.Ldc_I8, (long)insn.Offset);
            _il.Emit(OpCodes.Add);
        }
        _il.Emit(OpCodes.Stloc, _address);
        if (_checked)
        {
            SaveExecuted();
            LoadContext();
            _il.Emit(OpCodes.Ldloc, _address);
            _il.Emit(OpCodes.Ldc_I4, size);
            _il.Emit(OpCodes.Ldloc, _stackLow);
            _il.Emit(OpCodes.Ldc_I4, pc);
            Call(JitMembers.CheckAtomic);
        }
        if (operation == AtomicOperation.CompareExchange)
        {
            _il.Emit(OpCodes.Ldloc, _address);
            LoadRegister(0);
            if (!is64) _il.Emit(OpCodes.Conv_U4);
            LoadRegister(insn.Source);
            if (!is64) _il.Emit(OpCodes.Conv_U4);
            Call(is64 ? JitMembers.CompareExchange64 : JitMembers.CompareExchange32);
            if (!is64) _il.Emit(OpCodes.Conv_U8);
            StoreRegister(0);
            return;
        }
        _il.Emit(OpCodes.Ldc_I4, (int)operation);
        _il.Emit(OpCodes.Ldloc, _address);
        LoadRegister(insn.Source);
        if (!is64) _il.Emit(OpCodes.Conv_U4);
        Call(is64 ? JitMembers.Apply64 : JitMembers.Apply32);
        bool fetch = ((int)operation & 1) != 0;
        if (fetch)
        {
            if (!is64) _il.Emit(OpCodes.Conv_U8);
            StoreRegister(insn.Source);
        }
        else
        {
            _il.Emit(OpCodes.Pop);
        }
    }
}
