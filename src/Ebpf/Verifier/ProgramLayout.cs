using Ebpf.Isa;

namespace Ebpf.Verifier;

/// <summary>
/// The static shape of a program, computed before any path is walked (the kernel's <c>check_subprogs</c> and
/// <c>check_cfg</c>): where functions start, which instructions are jump targets (pruning points), that jumps stay inside
/// their function, that every instruction is reachable, and which registers are live at each instruction (so pruning
/// compares only what a later instruction may still read).
/// </summary>
internal sealed class ProgramLayout
{
    private readonly int[] _functionOf;

    public Instruction[] Slots { get; }
    public int[] FunctionStarts { get; }
    public bool[] IsPrunePoint { get; }
    public ulong[] LiveIn { get; }

    /// <summary>Per instruction, the registers whose exact value may still matter for safety (see <see cref="PrecisionNeeds"/>).</summary>
    public ulong[] PreciseRegisters { get; }

    /// <summary>Per instruction, the stack slots (bit i = fp-512+8i) of the running frame whose exact value may still matter.</summary>
    public ulong[] PreciseSlots { get; }

    private ProgramLayout(Instruction[] slots, int[] functionStarts, int[] functionOf, bool[] prunePoints, ulong[] liveIn,
        (ulong[] Registers, ulong[] Slots) precise)
    {
        Slots = slots;
        FunctionStarts = functionStarts;
        _functionOf = functionOf;
        IsPrunePoint = prunePoints;
        LiveIn = liveIn;
        PreciseRegisters = precise.Registers;
        PreciseSlots = precise.Slots;
    }

    /// <summary>The index in <see cref="FunctionStarts"/> of the function holding instruction <paramref name="index"/>.</summary>
    public int FunctionOf(int index) => _functionOf[index];

    public static bool IsLocalCall(Instruction i) => i.Opcode == Opcodes.Call && i.Source == (byte)CallKind.Local;
    public static bool IsHelperCall(Instruction i) => i.Opcode == Opcodes.Call && i.Source == (byte)CallKind.Helper;

    /// <summary>The jump or call target of instruction <paramref name="index"/>.</summary>
    public static int TargetOf(Instruction i, int index) =>
        i.Opcode == Opcodes.Ja32 ? index + 1 + i.Immediate
        : i.Opcode == Opcodes.Call || i.IsLddw ? index + 1 + i.Immediate
        : index + 1 + i.Offset;

    /// <summary>Builds the layout, or throws <see cref="VerifierError"/> for the first structural problem.</summary>
    /// <param name="program">The program.</param>
    /// <param name="returnValueMatters">Whether the main program's return value is range-checked (its r0 must then stay exact).</param>
    public static ProgramLayout Build(Bytecode program, bool returnValueMatters = true)
    {
        var errors = ProgramValidator.Validate(program, stopAtFirst: true);
        if (errors.Count > 0) throw new VerifierError(RejectionReason.MalformedProgram, errors[0].InstructionIndex, errors[0].Reason);
        var slots = program.Slots.ToArray();
        int n = slots.Length;

        var starts = new SortedSet<int> { 0 };
        for (int i = 0; i < n; i++)
        {
            var insn = slots[i];
            if (IsLocalCall(insn) || (insn.IsLddw && insn.Source == (byte)LddwSource.Function))
            {
                int target = TargetOf(insn, i);
                if (target < 0 || target >= n)
                    throw new VerifierError(RejectionReason.InvalidCall, i, $"call or function address to instruction {target}, outside the program (0..{n - 1})");
                starts.Add(target);
            }
            if (insn.Opcode == Opcodes.CallRegister)
                throw new VerifierError(RejectionReason.InvalidCall, i, "callx (call through a register) is not supported by the verifier");
            if (insn.Opcode == Opcodes.Call && insn.Source == (byte)CallKind.KernelFunction)
                throw new VerifierError(RejectionReason.InvalidCall, i, "calls of kernel functions (kfuncs) are not supported: they need the kernel's BTF");
            if (insn.IsLddw) i++;
        }
        int[] functionStarts = [.. starts];
        var functionOf = new int[n];
        for (int f = 0, i = 0; i < n; i++)
        {
            while (f + 1 < functionStarts.Length && functionStarts[f + 1] <= i) f++;
            functionOf[i] = f;
        }

        var prune = new bool[n];
        var secondSlot = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var insn = slots[i];
            if (insn.IsLddw) { secondSlot[i + 1] = true; i++; continue; }
            if (!Opcodes.IsJumpClass(insn.Opcode)) continue;
            var op = Opcodes.JumpOperationOf(insn.Opcode);
            if (op is JumpOperation.Exit or JumpOperation.Call)
            {
                if (op == JumpOperation.Call && i + 1 < n) prune[i + 1] = true;
                // The kernel's mark_force_checkpoint: a callback's iterations come back to its call, where they converge.
                if (CallsCallback(insn)) prune[i] = true;
                continue;
            }
            int target = TargetOf(insn, i);
            if (functionOf[target] != functionOf[i])
                throw new VerifierError(RejectionReason.InvalidControlFlow, i, $"jump out of range from insn {i} to {target}: a jump may not leave its function");
            prune[target] = true;
            if (op != JumpOperation.Ja && i + 1 < n) prune[i + 1] = true;
        }
        foreach (int start in functionStarts)
        {
            int end = NextStart(functionStarts, start, n) - 1;
            int last = end > 0 && secondSlot[end] ? end - 1 : end;
            var lastInsn = slots[last];
            bool endsFlow = lastInsn.Opcode == Opcodes.Exit || lastInsn.Opcode == Opcodes.Ja || lastInsn.Opcode == Opcodes.Ja32;
            if (!endsFlow)
                throw new VerifierError(RejectionReason.InvalidControlFlow, last, "last insn is not an exit or jmp: the function may run into the next one");
        }

        CheckReachable(slots, secondSlot);
        return new ProgramLayout(slots, functionStarts, functionOf, prune, Liveness(slots, secondSlot),
            PrecisionNeeds.Compute(slots, secondSlot, functionOf, returnValueMatters));
    }

    /// <summary>Whether <paramref name="insn"/> calls bpf_loop or bpf_for_each_map_elem, whose callback runs repeatedly (the kernel's calls_callback).</summary>
    public static bool CallsCallback(Instruction insn) =>
        insn.Opcode == Opcodes.Call && insn.Source == (byte)CallKind.Helper && insn.Immediate is LoopHelper or ForEachMapElementHelper;

    /// <summary>The id of bpf_loop.</summary>
    public const int LoopHelper = 181;

    /// <summary>The id of bpf_for_each_map_elem.</summary>
    public const int ForEachMapElementHelper = 164;

    private static int NextStart(int[] starts, int start, int n)
    {
        int index = Array.IndexOf(starts, start);
        return index + 1 < starts.Length ? starts[index + 1] : n;
    }

    private static void CheckReachable(Instruction[] slots, bool[] secondSlot)
    {
        int n = slots.Length;
        var seen = new bool[n];
        var work = new Stack<int>();
        work.Push(0);
        while (work.Count > 0)
        {
            int i = work.Pop();
            if (i < 0 || i >= n || seen[i]) continue;
            seen[i] = true;
            if (slots[i].IsLddw)
            {
                seen[i + 1] = true;
                if (slots[i].Source == (byte)LddwSource.Function) work.Push(TargetOf(slots[i], i));
                work.Push(i + 2);
                continue;
            }
            foreach (int next in Successors(slots, i)) work.Push(next);
            if (IsLocalCall(slots[i])) work.Push(TargetOf(slots[i], i));
        }
        for (int i = 0; i < n; i++)
            if (!seen[i] && !secondSlot[i])
                throw new VerifierError(RejectionReason.UnreachableInstruction, i, $"unreachable insn {i}: no path from the program's start reaches it");
    }

    /// <summary>The instructions control may pass to from <paramref name="i"/> within its function (calls return to the next).</summary>
    internal static IEnumerable<int> Successors(Instruction[] slots, int i)
    {
        var insn = slots[i];
        if (insn.IsLddw) { yield return i + 2; yield break; }
        if (!Opcodes.IsJumpClass(insn.Opcode)) { yield return i + 1; yield break; }
        var op = Opcodes.JumpOperationOf(insn.Opcode);
        if (op == JumpOperation.Exit) yield break;
        if (op == JumpOperation.Call) { yield return i + 1; yield break; }
        yield return TargetOf(insn, i);
        if (op != JumpOperation.Ja) yield return i + 1;
    }

    /// <summary>Registers live on entry to each instruction: read by some later instruction before being written.</summary>
    private static ulong[] Liveness(Instruction[] slots, bool[] secondSlot)
    {
        int n = slots.Length;
        var uses = new ulong[n];
        var defs = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            if (secondSlot[i]) continue;
            (uses[i], defs[i]) = UsesAndDefinitions(slots[i]);
        }
        var liveIn = new ulong[n];
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = n - 1; i >= 0; i--)
            {
                if (secondSlot[i]) continue;
                ulong liveOut = 0;
                foreach (int s in Successors(slots, i))
                    if (s >= 0 && s < n) liveOut |= liveIn[s];
                ulong value = uses[i] | (liveOut & ~defs[i]);
                if (value != liveIn[i]) { liveIn[i] = value; changed = true; }
            }
        }
        return liveIn;
    }

    private const ulong ArgumentRegisters = 0b11_1110;
    private const ulong CallerSaved = 0b11_1111;

    private static (ulong Uses, ulong Definitions) UsesAndDefinitions(Instruction insn)
    {
        ulong dst = 1UL << insn.Destination, src = 1UL << insn.Source;
        const ulong frame = 1UL << 10;
        switch (insn.Class)
        {
            case InstructionClass.Alu or InstructionClass.Alu64:
            {
                var op = Opcodes.AluOperationOf(insn.Opcode);
                bool reg = Opcodes.SourceOf(insn.Opcode) == OperandSource.Register;
                if (op == AluOperation.Mov) return (reg ? src : 0, dst);
                if (op is AluOperation.Neg or AluOperation.End) return (dst, dst);
                return (dst | (reg ? src : 0), dst);
            }
            case InstructionClass.Ldx:
                return (src, dst);
            case InstructionClass.St:
                return (dst, 0);
            case InstructionClass.Stx:
                if (Opcodes.ModeOf(insn.Opcode) == AccessMode.Atomic)
                {
                    var op = (AtomicOperation)insn.Immediate;
                    if (op == AtomicOperation.CompareExchange) return (dst | src | 1, 1);
                    return ((insn.Immediate & 1) != 0) ? (dst | src, src) : (dst | src, 0);
                }
                return (dst | src, 0);
            case InstructionClass.Ld:
                if (insn.IsLddw) return (0, dst);
                // Legacy packet loads read the context in r6 (and a register for BPF_IND) and clobber r0-r5.
                return (1UL << 6 | (Opcodes.ModeOf(insn.Opcode) == AccessMode.Indirect ? src : 0) | frame, CallerSaved);
            default:
            {
                var op = Opcodes.JumpOperationOf(insn.Opcode);
                if (op == JumpOperation.Exit) return (1, 0);
                if (op == JumpOperation.Call)
                    return (insn.Source == (byte)CallKind.Helper ? HelperArguments.Mask(insn.Immediate) : ArgumentRegisters, CallerSaved);
                if (op == JumpOperation.Ja) return (0, 0);
                return (dst | (Opcodes.SourceOf(insn.Opcode) == OperandSource.Register ? src : 0), 0);
            }
        }
    }
}
