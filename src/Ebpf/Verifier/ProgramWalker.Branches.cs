using Ebpf.Isa;

namespace Ebpf.Verifier;

internal sealed partial class ProgramWalker
{
    /// <summary>
    /// A conditional jump: each outcome that can happen continues with what it proves (ranges of scalars, null checks,
    /// packet ranges); when both can, the taken outcome is pushed for later and the fall-through continues now.
    /// </summary>
    private int ConditionalJump(PendingPath path, Instruction insn, int pc)
    {
        var state = path.State;
        bool is32 = insn.Class == InstructionClass.Jmp32;
        var op = Opcodes.JumpOperationOf(insn.Opcode);
        bool fromRegister = Opcodes.SourceOf(insn.Opcode) == OperandSource.Register;
        int dst = insn.Destination, src = fromRegister ? insn.Source : -1;
        var a = Read(state, dst, pc);
        var b = fromRegister ? Read(state, src, pc) : RegisterState.Constant((ulong)(long)insn.Immediate);
        int target = ProgramLayout.TargetOf(insn, pc);

        VerifierState? taken = state.Clone(), fallThrough = state;
        if (a.IsScalar && b.IsScalar)
        {
            if (!RefineScalars(taken, op, is32, dst, src, a, b, true)) taken = null;
            if (!RefineScalars(fallThrough, op, is32, dst, src, a, b, false)) fallThrough = null;
        }
        else if (!is32 && op is JumpOperation.Jeq or JumpOperation.Jne && (IsNullConstant(a) || IsNullConstant(b)) && (a.IsPointer || b.IsPointer))
        {
            var pointer = a.IsPointer ? a : b;
            var (equal, notEqual) = op == JumpOperation.Jeq ? (taken, fallThrough) : (fallThrough, taken);
            if (pointer.IsNullable)
            {
                MarkNullChecked(equal, pointer, isNull: true);
                MarkNullChecked(notEqual, pointer, isNull: false);
            }
            else if (op == JumpOperation.Jeq) taken = null;
            else fallThrough = null;
        }
        else if (!is32 && IsPacketPair(a, b))
        {
            PacketComparison(op, a, b, taken, fallThrough);
        }
        else if (_options.Unprivileged && (a.IsPointer || b.IsPointer))
        {
            throw new VerifierError(RejectionReason.PointerComparison, pc,
                $"R{(a.IsPointer ? dst : src)} pointer comparison prohibited: {RegisterState.KindName(a.Kind)} vs {RegisterState.KindName(b.Kind)}",
                "unprivileged programs may compare pointers only with NULL and packet pointers with data_end", a.IsPointer ? dst : src);
        }

        if (taken is null && fallThrough is null)
        {
            // Both outcomes impossible: this path cannot reach here with consistent values; it ends.
            return -1;
        }
        if (taken is not null && fallThrough is not null)
        {
            taken.Path = state.Path.Add(pc, true);
            fallThrough.Path = fallThrough.Path.Add(pc, false);
            Fork(path, taken, target);
            return pc + 1;
        }
        if (taken is not null)
        {
            // Only the jump can happen: continue on the (refined) copy.
            CopyInto(state, taken);
            return target;
        }
        return pc + 1;
    }

    private static void CopyInto(VerifierState destination, VerifierState source)
    {
        destination.Frames.Clear();
        destination.Frames.AddRange(source.Frames);
        destination.References.Clear();
        destination.References.AddRange(source.References);
    }

    private static bool IsNullConstant(RegisterState r) => r.IsScalar && r.Bounds.IsZero;

    private static bool IsPacketPair(RegisterState a, RegisterState b) =>
        (a.Kind == RegisterKind.Packet && b.Kind == RegisterKind.PacketEnd) || (a.Kind == RegisterKind.PacketEnd && b.Kind == RegisterKind.Packet)
        || (a.Kind == RegisterKind.PacketMeta && b.Kind == RegisterKind.Packet) || (a.Kind == RegisterKind.Packet && b.Kind == RegisterKind.PacketMeta);

    private bool RefineScalars(VerifierState state, JumpOperation op, bool is32, int dst, int src, RegisterState a, RegisterState b, bool taken)
    {
        var refined = BranchRefinement.Refine(op, is32, a.Bounds, b.Bounds, taken);
        if (refined is null) return false;
        var (ra, rb) = refined.Value;
        SetScalar(state, dst, a, ra);
        if (src >= 0) SetScalar(state, src, b, rb);
        if (_rules.IsRaw && (a.Id == RawLengthId || (src >= 0 && b.Id == RawLengthId)))
        {
            var length = a.Id == RawLengthId ? ra : rb;
            int proven = (int)Math.Min(length.UMin, int.MaxValue / 2);
            state.UpdateAll(r => r.Kind == RegisterKind.Packet && r.Id == 0 && r.Range < proven ? r with { Range = proven } : null);
        }
        return true;
    }

    /// <summary>Writes a refined scalar into its register and every copy sharing its id.</summary>
    private static void SetScalar(VerifierState state, int register, RegisterState old, ScalarBounds bounds)
    {
        state.Registers[register] = old with { Bounds = bounds };
        if (old.Id == 0) return;
        int id = old.Id;
        state.UpdateAll(r => r.IsScalar && r.Id == id ? r with { Bounds = bounds } : null);
    }

    private static void MarkNullChecked(VerifierState? state, RegisterState pointer, bool isNull)
    {
        if (state is null) return;
        int id = pointer.Id;
        state.UpdateAll(r =>
        {
            if (!r.IsNullable || r.Id != id) return null;
            if (isNull) return RegisterState.Constant(0);
            return r with
            {
                Kind = r.Kind switch
                {
                    RegisterKind.MapValueOrNull => RegisterKind.MapValue,
                    RegisterKind.MapPointerOrNull => RegisterKind.MapPointer,
                    _ => RegisterKind.RingBufferRecord,
                },
            };
        });
        if (isNull && pointer.ReferenceId != 0) state.References.RemoveAll(reference => reference.Id == pointer.ReferenceId);
    }

    /// <summary>pkt vs pkt_end (or pkt_meta vs pkt): the outcome where the pointer is at most the end proves its range.</summary>
    private static void PacketComparison(JumpOperation op, RegisterState a, RegisterState b, VerifierState? taken, VerifierState? fallThrough)
    {
        // "low" is the pointer into the data, "high" the limit it is compared against.
        bool lowIsDst = a.Kind == RegisterKind.PacketMeta || (a.Kind == RegisterKind.Packet && b.Kind == RegisterKind.PacketEnd);
        var low = lowIsDst ? a : b;
        // The outcome in which low <= high (or low < high) holds.
        VerifierState? proven = (op, lowIsDst) switch
        {
            (JumpOperation.Jgt, true) => fallThrough,   // low > high not taken
            (JumpOperation.Jge, true) => fallThrough,   // low >= high not taken
            (JumpOperation.Jlt, true) => taken,
            (JumpOperation.Jle, true) => taken,
            (JumpOperation.Jgt, false) => taken,        // high > low
            (JumpOperation.Jge, false) => taken,        // high >= low
            (JumpOperation.Jlt, false) => fallThrough,  // high < low not taken
            (JumpOperation.Jle, false) => fallThrough,  // high <= low not taken
            _ => null,
        };
        if (proven is null || low.Offset < 0 || low.Bounds.UMax > MaxPacketOffset || low.Bounds.UMax + (ulong)low.Offset > MaxPacketOffset) return;
        int range = low.Offset;
        var kind = low.Kind;
        int id = low.Id;
        proven.UpdateAll(r => r.Kind == kind && r.Id == id && r.Range < range ? r with { Range = range } : null);
    }
}
