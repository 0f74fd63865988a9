using Ebpf.Isa;
using Ebpf.Maps;

namespace Ebpf.Verifier;

internal sealed partial class ProgramWalker
{
    /// <summary>The kernel's MAX_PACKET_OFF.</summary>
    private const int MaxPacketOffset = 0xffff;

    private enum Access { Read, Write, Atomic }

    private void Load(VerifierState state, Instruction insn, int pc)
    {
        int size = Opcodes.Bytes(Opcodes.SizeOf(insn.Opcode));
        bool signExtend = Opcodes.ModeOf(insn.Opcode) == AccessMode.MemorySignExtend;
        var loaded = CheckAccess(state, pc, insn.Source, insn.Offset, size, Access.Read, value: null);
        if (signExtend && loaded.IsScalar)
            loaded = RegisterState.Scalar(ScalarArithmetic.SignExtend(loaded.Bounds, size * 8, is32: false));
        state.Registers[insn.Destination] = loaded;
    }

    private void Store(VerifierState state, Instruction insn, int pc)
    {
        int size = Opcodes.Bytes(Opcodes.SizeOf(insn.Opcode));
        RegisterState value = insn.Class == InstructionClass.Stx
            ? Read(state, insn.Source, pc)
            : RegisterState.Constant((ulong)(long)insn.Immediate);
        CheckAccess(state, pc, insn.Destination, insn.Offset, size, Access.Write, value, insn.Class == InstructionClass.Stx ? insn.Source : -1);
    }

    private void Atomic(VerifierState state, Instruction insn, int pc)
    {
        int size = Opcodes.Bytes(Opcodes.SizeOf(insn.Opcode));
        var op = (AtomicOperation)insn.Immediate;
        var value = Read(state, insn.Source, pc);
        if (value.IsPointer && _options.Unprivileged)
            throw new VerifierError(RejectionReason.InvalidAtomic, pc, $"R{insn.Source} leaks addr into mem: atomic operations take numbers, not a {RegisterState.KindName(value.Kind)}", null, insn.Source);
        if (op == AtomicOperation.CompareExchange)
        {
            var expected = Read(state, 0, pc);
            if (expected.IsPointer && _options.Unprivileged)
                throw new VerifierError(RejectionReason.InvalidAtomic, pc, "R0 leaks addr into mem: cmpxchg compares numbers, not pointers", null, 0);
        }
        var pointer = Read(state, insn.Destination, pc);
        if (pointer.Kind is not (RegisterKind.Stack or RegisterKind.MapValue or RegisterKind.RingBufferRecord or RegisterKind.Scalar or RegisterKind.MapValueOrNull))
            throw new VerifierError(RejectionReason.InvalidAtomic, pc,
                $"BPF_ATOMIC stores into R{insn.Destination} {RegisterState.KindName(pointer.Kind)} is not allowed: atomics work on the stack and map values",
                null, insn.Destination);
        var old = CheckAccess(state, pc, insn.Destination, insn.Offset, size, Access.Atomic, value);
        if (op == AtomicOperation.CompareExchange) state.Registers[0] = old.IsScalar ? RegisterState.Scalar(ScalarBounds.Unknown.Truncate(size)) : old;
        else if ((insn.Immediate & 1) != 0) state.Registers[insn.Source] = RegisterState.Scalar(ScalarBounds.Unknown.Truncate(size));
    }

    /// <summary>Checks an access of <paramref name="size"/> bytes at register <paramref name="register"/> + <paramref name="offset"/>; returns what a read yields.</summary>
    private RegisterState CheckAccess(VerifierState state, int pc, int register, int offset, int size, Access access, RegisterState? value, int valueRegister = -1)
    {
        var pointer = Read(state, register, pc);
        bool write = access != Access.Read;
        string verb = access == Access.Read ? "read" : "write";
        switch (pointer.Kind)
        {
            case RegisterKind.Scalar:
                throw new VerifierError(RejectionReason.InvalidMemoryAccess, pc,
                    $"R{register} invalid mem access 'scalar': r{register} holds a number ({pointer}), not a pointer",
                    "only pointers from the context, the stack, a map lookup (after its NULL check) or the packet can be dereferenced", register);
            case RegisterKind.MapValueOrNull or RegisterKind.RingBufferRecordOrNull or RegisterKind.MapPointerOrNull:
                throw new VerifierError(RejectionReason.PossiblyNullPointer, pc,
                    $"R{register} invalid mem access '{RegisterState.KindName(pointer.Kind)}': r{register} may be NULL here",
                    $"check it first: if (!ptr) return ...; (in assembly: if r{register} == 0 goto ...)", register);
            case RegisterKind.PacketEnd or RegisterKind.MapPointer or RegisterKind.Function:
                throw new VerifierError(RejectionReason.InvalidMemoryAccess, pc,
                    $"R{register} invalid mem access '{RegisterState.KindName(pointer.Kind)}': a {RegisterState.KindName(pointer.Kind)} cannot be dereferenced", null, register);
            case RegisterKind.Context:
                return ContextAccessAt(pc, register, pointer, offset, size, access, value);
            case RegisterKind.Stack:
                return StackAccess(state, pc, register, pointer, offset, size, access, value, valueRegister);
            case RegisterKind.Packet or RegisterKind.PacketMeta:
                PacketAccess(pc, register, pointer, offset, size, access, value);
                return RegisterState.Scalar(ScalarBounds.Unknown.Truncate(size));
            case RegisterKind.MapValue:
            {
                var map = _maps[pointer.MapIndex];
                if (write && (map.Flags & MapCreationFlags.ReadOnlyProgram) != 0)
                    throw new VerifierError(RejectionReason.OutOfBounds, pc, $"write into map forbidden: map '{map.Name}' is read-only for programs (BPF_F_RDONLY_PROG)", null, register);
                CheckLeak(pc, value, valueRegister, "map");
                SizedAccess(pc, register, pointer, offset, size, (int)map.ValueSize, $"map value of '{map.Name}'", verb);
                return RegisterState.Scalar(ScalarBounds.Unknown.Truncate(size));
            }
            case RegisterKind.MapKey:
            {
                var map = _maps[pointer.MapIndex];
                if (write)
                    throw new VerifierError(RejectionReason.InvalidMemoryAccess, pc, $"write to change key R{register} not allowed: the key of '{map.Name}' a bpf_for_each_map_elem callback gets is read-only",
                        "copy the key to the stack to change it", register);
                SizedAccess(pc, register, pointer, offset, size, (int)map.KeySize, $"map key of '{map.Name}'", verb);
                return RegisterState.Scalar(ScalarBounds.Unknown.Truncate(size));
            }
            case RegisterKind.RingBufferRecord:
                CheckLeak(pc, value, valueRegister, "ringbuf record");
                SizedAccess(pc, register, pointer, offset, size, pointer.Frame, "ring-buffer record", verb);
                return RegisterState.Scalar(ScalarBounds.Unknown.Truncate(size));
            default:
                throw new VerifierError(RejectionReason.InvalidMemoryAccess, pc, $"R{register} invalid mem access '{RegisterState.KindName(pointer.Kind)}'", null, register);
        }
    }

    private void CheckLeak(int pc, RegisterState? value, int valueRegister, string where)
    {
        if (_options.Unprivileged && value is { IsPointer: true })
            throw new VerifierError(RejectionReason.PointerLeak, pc, $"R{valueRegister} leaks addr into {where}",
                "unprivileged programs may not store pointers; store a number instead", valueRegister);
    }

    /// <summary>An access of a region of known size: map values, ring-buffer records.</summary>
    private static void SizedAccess(int pc, int register, RegisterState pointer, int offset, int size, int regionSize, string what, string verb)
    {
        var variable = pointer.Bounds;
        if (variable.SMin < 0)
            throw new VerifierError(RejectionReason.UnboundedOffset, pc,
                $"R{register} min value is negative, either use unsigned index or do a if (index >=0) check.",
                "make the index unsigned or check it is not negative before adding it", register);
        if (variable.UMax >= (ulong)MaxVariableOffset)
            throw new VerifierError(RejectionReason.UnboundedOffset, pc,
                $"R{register} unbounded memory access, make sure to bounds check any such access",
                $"bound the index first: if (i >= {regionSize}) return ...;", register);
        long first = pointer.Offset + offset + variable.SMin;
        long end = pointer.Offset + offset + (long)variable.UMax + size;
        if (first < 0 || end > regionSize)
            throw new VerifierError(RejectionReason.OutOfBounds, pc,
                $"invalid access to {what}, value_size={regionSize} off={pointer.Offset + offset}{(variable.IsConstant ? "" : $"+[{variable.SMin},{variable.UMax}]")} size={size}: the {verb} may touch bytes {first}..{end - 1}",
                $"keep offset + size within the {regionSize} bytes: bound the index so that it is at most {regionSize - size - pointer.Offset - offset}", register);
    }

    private void PacketAccess(int pc, int register, RegisterState pointer, int offset, int size, Access access, RegisterState? value)
    {
        bool write = access != Access.Read;
        if (!_rules.PacketRead || (write && !_rules.PacketWrite))
            throw new VerifierError(RejectionReason.PacketAccessNotAllowed, pc,
                $"cannot {(write ? "write into" : "read from")} packet: {_rules.Name} programs have no direct {(write ? "write" : "")} packet access",
                write ? null : "use bpf_skb_load_bytes() to copy packet bytes", register);
        if (access == Access.Atomic)
            throw new VerifierError(RejectionReason.InvalidAtomic, pc, $"BPF_ATOMIC stores into R{register} pkt is not allowed", null, register);
        CheckLeak(pc, value, -1, "packet");
        if (pointer.Bounds.SMin < 0)
            throw new VerifierError(RejectionReason.UnboundedOffset, pc,
                $"R{register} min value is negative, either use unsigned index or do a if (index >=0) check.", null, register);
        long first = pointer.Offset + offset;
        long end = first + size;
        if (first < 0 || end > pointer.Range)
        {
            string start = pointer.Kind == RegisterKind.PacketMeta ? "data_meta" : "data";
            string limit = pointer.Kind == RegisterKind.PacketMeta ? "data" : "data_end";
            string onFail = _rules.Type == ProgramTypes.ProgramTypeId.Xdp ? "XDP_DROP" : _rules.Type is ProgramTypes.ProgramTypeId.SchedClassifier or ProgramTypes.ProgramTypeId.SchedAction ? "TC_ACT_SHOT" : "0";
            string based = pointer.Bounds.IsConstant ? $"{start} + {end}" : $"p + {end} (p being r{register}'s base)";
            string hint = _rules.IsRaw && pointer.Bounds.IsConstant
                ? $"check the length first: `if (len < {end}) return 0;` (in assembly: if r2 < {end} goto ...) before this {(write ? "write" : "read")}"
                : $"add `if ({based} > {limit}) return {onFail};` before this {(write ? "write" : "read")}";
            throw new VerifierError(RejectionReason.PacketOutOfRange, pc,
                $"invalid access to {(_rules.IsRaw ? "memory" : "packet")}, off={first} size={size}, R{register}({pointer}): only {pointer.Range} bytes are proven inside the {(_rules.IsRaw ? "memory block" : "packet")}",
                hint, register);
        }
    }

    private RegisterState ContextAccessAt(int pc, int register, RegisterState pointer, int offset, int size, Access access, RegisterState? value)
    {
        if (pointer.Offset != 0 || !pointer.Bounds.IsZero)
            throw new VerifierError(RejectionReason.InvalidContextAccess, pc,
                $"dereference of modified ctx ptr R{register} off={pointer.Offset}{(pointer.Bounds.IsConstant ? "" : $" var_off={pointer.Bounds}")} disallowed",
                "access context fields through the unmodified context pointer with a constant offset: ctx->field", register);
        if (access == Access.Atomic)
            throw new VerifierError(RejectionReason.InvalidAtomic, pc, $"BPF_ATOMIC stores into R{register} ctx is not allowed", null, register);
        var result = _rules.CheckContext(offset, size, access == Access.Write);
        if (!result.Allowed)
            throw new VerifierError(result.Reason, pc, result.Error!, "use only the fields the program type's context structure declares, with their own sizes", register);
        if (access == Access.Write) CheckLeak(pc, value, -1, "ctx");
        return result.Loads switch
        {
            RegisterKind.Scalar => RegisterState.Scalar(ScalarBounds.Unknown.Truncate(size)),
            var kind => RegisterState.Pointer(kind),
        };
    }

    private RegisterState StackAccess(VerifierState state, int pc, int register, RegisterState pointer, int offset, int size, Access access, RegisterState? value, int valueRegister)
    {
        var frame = state.Frames[pointer.Frame];
        var stack = frame.Stack;
        var variable = pointer.Bounds;
        long low = pointer.Offset + offset + variable.SMin;
        long high = pointer.Offset + offset + variable.SMax + size;
        var alignment = variable.Bits + Tnum.Constant((ulong)(long)(pointer.Offset + offset));
        if ((alignment.Value & (ulong)(size - 1)) != 0 || (alignment.Mask & (ulong)(size - 1)) != 0)
            throw new VerifierError(RejectionReason.MisalignedAccess, pc,
                $"misaligned stack access off {alignment}+{size}: a {size}-byte stack access must be {size}-byte aligned", null, register);
        if (variable.SMin < -StackState.Size || variable.SMax > StackState.Size || low < -StackState.Size || high > 0)
            throw new VerifierError(RejectionReason.StackOutOfBounds, pc,
                $"invalid {(variable.IsConstant ? "" : "variable-offset ")}stack access off={pointer.Offset + offset}{(variable.IsConstant ? "" : $"+[{variable.SMin},{variable.SMax}]")} size={size}: the stack frame is r10-512 to r10-1",
                "keep stack accesses between r10-512 and r10-1 (bound any variable index)", register);
        int function = _layout.FunctionOf(frame.FunctionStart);
        _stackDepth[function] = Math.Max(_stackDepth[function], (int)-low);

        if (!variable.IsConstant)
        {
            if (access != Access.Read)
            {
                if (value is { IsPointer: true } && _options.Unprivileged)
                    throw new VerifierError(RejectionReason.InvalidSpill, pc, $"spilled ptr in range of var-offset stack write: R{valueRegister} is a {RegisterState.KindName(value.Value.Kind)}", null, valueRegister);
                stack.WriteMaybe((int)low, (int)(high - low));
            }
            if (access != Access.Write) CheckStackInitialized(stack, pc, (int)low, (int)(high - low), register);
            return RegisterState.Scalar(ScalarBounds.Unknown.Truncate(size));
        }
        int at = (int)low;
        if (access == Access.Write)
        {
            var stored = value!.Value;
            if (stored.IsPointer)
            {
                if (size != 8)
                    throw new VerifierError(RejectionReason.InvalidSpill, pc, $"invalid size of register spill: a pointer is spilled with {size} bytes, not 8", "store pointers with 8-byte stores", valueRegister);
                if (stored.Kind == RegisterKind.Stack && stored.Frame > pointer.Frame)
                    throw new VerifierError(RejectionReason.InvalidSpill, pc, "cannot spill pointers to stack into stack frame of the caller: the callee's frame ends when it returns", null, valueRegister);
                if (at % 8 != 0)
                    throw new VerifierError(RejectionReason.MisalignedAccess, pc, $"misaligned pointer spill at fp{at}", null, register);
                stack.Spill(at, stored, 8);
            }
            else if (at % 8 == 0)
            {
                stack.Spill(at, stored with { Bounds = stored.Bounds.Truncate(size), Id = size == 8 ? stored.Id : 0 }, size);
            }
            else
            {
                stack.Write(at, size, stored.Bounds.IsZero);
            }
            return default;
        }
        var (spill, spillSize) = stack.SpillAt(at);
        if (spillSize != 0 && stack.ByteAt(at) == StackByte.Spill)
        {
            if (spill.IsPointer)
            {
                if (at % 8 != 0 || size != 8)
                    throw new VerifierError(RejectionReason.InvalidSpill, pc, $"invalid size of register fill: the {RegisterState.KindName(spill.Kind)} spilled at fp{at - at % 8} is read with {size} bytes", "read spilled pointers back whole, with 8-byte loads", register);
                if (access == Access.Atomic)
                    throw new VerifierError(RejectionReason.InvalidAtomic, pc, $"BPF_ATOMIC on a spilled {RegisterState.KindName(spill.Kind)} at fp{at} is not allowed", null, register);
                return spill;
            }
            if (at % 8 == 0 && size <= spillSize)
            {
                var read = size == spillSize ? spill : RegisterState.Scalar(spill.Bounds.Truncate(size));
                if (access == Access.Atomic) stack.Write(at, size, zero: false);
                return read;
            }
        }
        for (int i = 0; i < size; i++)
        {
            var b = stack.ByteAt(at + i);
            if (b == StackByte.Spill && stack.SpillAt(at + i).Register.IsPointer)
                throw new VerifierError(RejectionReason.InvalidSpill, pc, $"invalid size of register fill: the read at fp{at} size {size} covers part of a spilled pointer", null, register);
        }
        CheckStackInitialized(stack, pc, at, size, register);
        bool zero = true;
        for (int i = 0; i < size; i++) zero &= stack.ByteAt(at + i) == StackByte.Zero;
        if (access == Access.Atomic) stack.Write(at, size, zero: false);
        return zero ? RegisterState.Constant(0) : RegisterState.Scalar(ScalarBounds.Unknown.Truncate(size));
    }

    private void CheckStackInitialized(StackState stack, int pc, int at, int length, int register)
    {
        if (!_options.Unprivileged) return;
        for (int i = 0; i < length; i++)
            if (stack.ByteAt(at + i) == StackByte.Invalid)
                throw new VerifierError(RejectionReason.UninitializedStack, pc,
                    $"invalid read from stack off {at}+{i} size {length}: fp{at + i} was never written on this path",
                    "initialise the variable (or the whole buffer, e.g. with __builtin_memset) before reading it", register);
    }

    private void LoadWide(VerifierState state, Instruction first, Instruction second, int pc)
    {
        int dst = first.Destination;
        ulong value = (uint)first.Immediate | (ulong)(uint)second.Immediate << 32;
        switch ((LddwSource)first.Source)
        {
            case LddwSource.Immediate:
                state.Registers[dst] = RegisterState.Constant(value);
                return;
            case LddwSource.MapByIndex:
                CheckMapIndex(first.Immediate, pc);
                state.Registers[dst] = RegisterState.Pointer(RegisterKind.MapPointer) with { MapIndex = first.Immediate };
                return;
            case LddwSource.MapValueByIndex:
            {
                CheckMapIndex(first.Immediate, pc);
                var map = _maps[first.Immediate];
                if (map.Type != MapType.Array)
                    throw new VerifierError(RejectionReason.InvalidLoad, pc, $"direct value access on map '{map.Name}' of type {map.Type} is not allowed: only array maps have a direct value address");
                if ((uint)second.Immediate >= map.ValueSize)
                    throw new VerifierError(RejectionReason.InvalidLoad, pc, $"invalid access to map value pointer, value_size={map.ValueSize} off={(uint)second.Immediate}");
                state.Registers[dst] = RegisterState.Pointer(RegisterKind.MapValue, second.Immediate) with { MapIndex = first.Immediate };
                return;
            }
            case LddwSource.Function:
                state.Registers[dst] = RegisterState.Pointer(RegisterKind.Function) with { MapIndex = ProgramLayout.TargetOf(first, pc) };
                return;
            default:
                throw new VerifierError(RejectionReason.InvalidLoad, pc,
                    $"lddw with pseudo source {first.Source} ({(LddwSource)first.Source}) is not supported: map fds and kernel variables need the kernel; use map indexes (src=5, src=6)");
        }
    }

    private void CheckMapIndex(int index, int pc)
    {
        if (index < 0 || index >= _innerMapBase)
            throw new VerifierError(RejectionReason.InvalidLoad, pc, $"lddw refers to map index {index}, but the program has {_innerMapBase} map(s)");
    }

    private void LegacyPacketLoad(VerifierState state, Instruction insn, int pc)
    {
        if (_rules.Type is not (ProgramTypes.ProgramTypeId.SocketFilter or ProgramTypes.ProgramTypeId.SchedClassifier
            or ProgramTypes.ProgramTypeId.SchedAction or ProgramTypes.ProgramTypeId.CgroupSkb))
            throw new VerifierError(RejectionReason.PacketAccessNotAllowed, pc, $"BPF_LD_[ABS|IND] instructions not allowed for this program type ({_rules.Name})");
        if (state.References.Count > 0)
            throw new VerifierError(RejectionReason.UnreleasedReference, pc, "BPF_LD_[ABS|IND] cannot be mixed with socket references: the load may end the program");
        var context = Read(state, 6, pc);
        if (context.Kind != RegisterKind.Context)
            throw new VerifierError(RejectionReason.InvalidContextAccess, pc, "at the time of BPF_LD_ABS|IND R6 != pointer to skb", "keep the context pointer in r6 for legacy packet loads", 6);
        if (Opcodes.ModeOf(insn.Opcode) == AccessMode.Indirect)
        {
            var index = Read(state, insn.Source, pc);
            if (index.IsPointer)
                throw new VerifierError(RejectionReason.InvalidMemoryAccess, pc, $"R{insn.Source} must be a number for BPF_IND", null, insn.Source);
        }
        int size = Opcodes.Bytes(Opcodes.SizeOf(insn.Opcode));
        for (int r = 1; r <= 5; r++) state.Registers[r] = RegisterState.NotInitialized;
        state.Registers[0] = RegisterState.Scalar(ScalarBounds.Unknown.Truncate(size));
    }
}
