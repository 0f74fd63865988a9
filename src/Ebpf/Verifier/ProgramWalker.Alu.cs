using Ebpf.Isa;

namespace Ebpf.Verifier;

internal sealed partial class ProgramWalker
{
    /// <summary>The kernel's BPF_MAX_VAR_OFF: a pointer's offset must stay within ±2^29.</summary>
    private const long MaxVariableOffset = 1L << 29;

    private void Alu(VerifierState state, Instruction insn, int pc)
    {
        bool is32 = insn.Class == InstructionClass.Alu;
        var op = Opcodes.AluOperationOf(insn.Opcode);
        bool fromRegister = Opcodes.SourceOf(insn.Opcode) == OperandSource.Register;
        var regs = state.Registers;
        int dst = insn.Destination;

        if (!fromRegister && op is AluOperation.Lsh or AluOperation.Rsh or AluOperation.Arsh && (insn.Immediate < 0 || insn.Immediate >= (is32 ? 32 : 64)))
            throw new VerifierError(RejectionReason.MalformedProgram, pc, $"invalid shift {insn.Immediate}: a {(is32 ? 32 : 64)}-bit shift amount must be 0 to {(is32 ? 31 : 63)}");
        if (!fromRegister && op is AluOperation.Div or AluOperation.Mod && insn.Immediate == 0)
            throw new VerifierError(RejectionReason.MalformedProgram, pc, "div by zero: the divisor immediate is 0");

        if (op == AluOperation.Mov)
        {
            Move(state, insn, pc, is32, fromRegister);
            return;
        }
        var target = Read(state, dst, pc);
        if (op is AluOperation.Neg or AluOperation.End)
        {
            if (target.IsPointer)
            {
                if (_options.Unprivileged)
                    throw new VerifierError(RejectionReason.ProhibitedPointerArithmetic, pc, $"R{dst} pointer arithmetic prohibited: {op} on a {RegisterState.KindName(target.Kind)}", null, dst);
                regs[dst] = RegisterState.UnknownScalar;
                return;
            }
            regs[dst] = op == AluOperation.Neg
                ? RegisterState.Scalar(ScalarArithmetic.Apply(AluOperation.Sub, ScalarBounds.Constant(0), target.Bounds, is32, 0))
                : RegisterState.Scalar(ScalarArithmetic.ByteSwap(target.Bounds, insn.Immediate,
                    swap: is32 ? (Opcodes.SourceOf(insn.Opcode) == OperandSource.Register) : true));
            return;
        }
        var operand = fromRegister ? Read(state, insn.Source, pc) : RegisterState.Constant(Immediate(insn, is32));
        if (target.IsPointer || operand.IsPointer)
        {
            regs[dst] = PointerArithmetic(insn, pc, op, is32, target, operand);
            return;
        }
        regs[dst] = RegisterState.Scalar(ScalarArithmetic.Apply(op, target.Bounds, operand.Bounds, is32, insn.Offset));
    }

    /// <summary>The immediate as the operation sees it: sign-extended to 64 bits, or its 32 bits for 32-bit operations.</summary>
    private static ulong Immediate(Instruction insn, bool is32) => is32 ? (uint)insn.Immediate : (ulong)(long)insn.Immediate;

    private void Move(VerifierState state, Instruction insn, int pc, bool is32, bool fromRegister)
    {
        var regs = state.Registers;
        int dst = insn.Destination;
        if (!fromRegister)
        {
            regs[dst] = RegisterState.Constant(Immediate(insn, is32));
            return;
        }
        int src = insn.Source;
        var value = Read(state, src, pc);
        if (insn.Offset != 0)
        {
            if (value.IsPointer && !_options.Unprivileged)
            {
                regs[dst] = RegisterState.UnknownScalar;
                return;
            }
            if (value.IsPointer)
                throw new VerifierError(RejectionReason.ProhibitedPointerArithmetic, pc, $"R{src} sign-extension of a pointer ({RegisterState.KindName(value.Kind)}) is not allowed", null, src);
            regs[dst] = RegisterState.Scalar(ScalarArithmetic.SignExtend(value.Bounds, insn.Offset, is32));
            return;
        }
        if (is32)
        {
            if (value.IsPointer)
            {
                if (_options.Unprivileged)
                    throw new VerifierError(RejectionReason.PointerLeak, pc, $"R{src} partial copy of pointer: a 32-bit move of a {RegisterState.KindName(value.Kind)} leaks half of it", null, src);
                regs[dst] = RegisterState.Scalar(ScalarBounds.UnsignedRange(0, uint.MaxValue));
                return;
            }
            regs[dst] = RegisterState.Scalar(value.Bounds.ZeroExtend32());
            return;
        }
        if (value.IsScalar && !value.Bounds.IsConstant && value.Id == 0)
        {
            // Copies share an id so that a comparison of one refines the others (the kernel's find_equal_scalars).
            value = value with { Id = NewId() };
            regs[src] = value;
        }
        regs[dst] = value;
    }

    private RegisterState PointerArithmetic(Instruction insn, int pc, AluOperation op, bool is32, RegisterState target, RegisterState operand)
    {
        int dst = insn.Destination;
        string opName = op.ToString().ToLowerInvariant();
        if (is32)
        {
            if (op == AluOperation.Sub && !_options.Unprivileged) return RegisterState.Scalar(ScalarBounds.UnsignedRange(0, uint.MaxValue));
            throw new VerifierError(RejectionReason.ProhibitedPointerArithmetic, pc, $"R{dst} 32-bit pointer arithmetic prohibited",
                "do pointer arithmetic with 64-bit instructions (r registers, not w registers)", dst);
        }
        if (target.IsPointer && operand.IsPointer)
        {
            if (op == AluOperation.Sub && !_options.Unprivileged) return RegisterState.UnknownScalar;
            throw new VerifierError(RejectionReason.ProhibitedPointerArithmetic, pc,
                $"R{dst} pointer {opName} pointer prohibited: {RegisterState.KindName(target.Kind)} {opName} {RegisterState.KindName(operand.Kind)}", null, dst);
        }
        if (op is not (AluOperation.Add or AluOperation.Sub))
        {
            throw new VerifierError(RejectionReason.ProhibitedPointerArithmetic, pc,
                $"R{dst} {(op is AluOperation.And or AluOperation.Or or AluOperation.Xor ? "bitwise operator" : "pointer arithmetic with operator")} {opName} on pointer prohibited",
                "only adding or subtracting a number to a pointer is allowed", dst);
        }
        if (!target.IsPointer && op == AluOperation.Sub)
            throw new VerifierError(RejectionReason.ProhibitedPointerArithmetic, pc, $"R{dst} tried to subtract pointer from scalar", null, dst);
        var pointer = target.IsPointer ? target : operand;
        var number = target.IsPointer ? operand : target;
        if (pointer.IsNullable)
            throw new VerifierError(RejectionReason.PossiblyNullPointer, pc,
                $"R{dst} pointer arithmetic on {RegisterState.KindName(pointer.Kind)} prohibited, null-check it first",
                "compare the pointer with NULL (if (!p) return ...;) before computing addresses from it", dst);
        if (pointer.Kind is RegisterKind.PacketEnd or RegisterKind.MapPointer or RegisterKind.Function)
            throw new VerifierError(RejectionReason.ProhibitedPointerArithmetic, pc, $"R{dst} pointer arithmetic on {RegisterState.KindName(pointer.Kind)} prohibited", null, dst);

        if (op == AluOperation.Sub && pointer.Kind == RegisterKind.Stack)
            throw new VerifierError(RejectionReason.ProhibitedPointerArithmetic, pc, $"R{dst} subtraction from stack pointer prohibited",
                "add a negative number instead: r2 += -8", dst);
        if (_rules.IsRaw && op == AluOperation.Add && pointer.Kind == RegisterKind.Packet && pointer.Offset == 0 && pointer.Bounds.IsZero
            && number.Id == ProgramWalker.RawLengthId)
        {
            // The raw type's memory pointer plus its length is the end of the memory: it works as data_end does.
            return RegisterState.Pointer(RegisterKind.PacketEnd);
        }
        var n = number.Bounds;
        if (n.IsConstant)
        {
            long value = (long)n.ConstantValue;
            if (value >= MaxVariableOffset || value <= -MaxVariableOffset)
                throw new VerifierError(RejectionReason.UnboundedOffset, pc, $"math between {RegisterState.KindName(pointer.Kind)} pointer and {value} is not allowed", null, dst);
            long offset = op == AluOperation.Add ? pointer.Offset + value : pointer.Offset - value;
            if (offset >= MaxVariableOffset || offset <= -MaxVariableOffset)
                throw new VerifierError(RejectionReason.UnboundedOffset, pc, $"value {offset} makes {RegisterState.KindName(pointer.Kind)} pointer be out of bounds", null, dst);
            return pointer with { Offset = (int)offset };
        }
        if (n.SMin == long.MinValue)
            throw new VerifierError(RejectionReason.UnboundedOffset, pc,
                $"math between {RegisterState.KindName(pointer.Kind)} pointer and register with unbounded min value is not allowed: the offset is {number}",
                "bound the offset first, e.g. if (i >= SIZE) return ...; or i &= SIZE - 1;", dst);
        var variable = ScalarArithmetic.Apply(op, pointer.Bounds, n, false, 0);
        if (variable.SMin <= -MaxVariableOffset || variable.SMin >= MaxVariableOffset || variable.SMax >= MaxVariableOffset)
            throw new VerifierError(RejectionReason.UnboundedOffset, pc,
                $"value {variable.SMin}..{variable.SMax} makes {RegisterState.KindName(pointer.Kind)} pointer be out of bounds",
                "bound the offset first, e.g. if (i >= SIZE) return ...; or i &= SIZE - 1;", dst);
        var result = pointer with { Bounds = variable };
        if (pointer.IsPacketLike) result = result with { Id = NewId(), Range = 0 };
        return result;
    }
}
