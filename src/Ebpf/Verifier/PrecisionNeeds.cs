using Ebpf.Isa;

namespace Ebpf.Verifier;

/// <summary>
/// A static stand-in for the kernel's precision tracking: which registers and stack slots hold numbers whose exact value
/// may still reach a use that matters for safety — a conditional jump, a pointer offset (any register added or
/// subtracted), a helper argument, a checked return value — following copies, arithmetic, spills and fills backwards.
/// Pruning compares only those numbers exactly; any other number of an explored state covers any number, since no later
/// decision depends on it. Unknown stores and loads (through pointers other than r10) are treated conservatively.
/// </summary>
internal static class PrecisionNeeds
{
    private const ulong AllSlots = ulong.MaxValue;
    private const ulong Arguments = 0b11_1110;
    private const ulong CallerSaved = 0b11_1111;

    public static (ulong[] Registers, ulong[] Slots) Compute(Instruction[] slots, bool[] secondSlot, int[] functionOf, bool returnValueMatters)
    {
        int n = slots.Length;
        var mayPointToStack = StackPointers(slots, secondSlot, functionOf);
        var registers = new ulong[n];
        var stack = new ulong[n];
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = n - 1; i >= 0; i--)
            {
                if (secondSlot[i]) continue;
                ulong r = 0, s = 0;
                foreach (int next in ProgramLayout.Successors(slots, i))
                    if (next >= 0 && next < n) { r |= registers[next]; s |= stack[next]; }
                (r, s) = Transfer(slots[i], r, s, isMain: functionOf[i] == 0, returnValueMatters, mayPointToStack[i]);
                if (r != registers[i] || s != stack[i]) { registers[i] = r; stack[i] = s; changed = true; }
            }
        }
        return (registers, stack);
    }

    /// <summary>
    /// Per instruction, the registers that may hold a stack pointer on entry (r10, arguments of functions, and what is
    /// copied, offset or filled from them), so that loads and stores through other pointers need not touch the stack.
    /// </summary>
    private static ulong[] StackPointers(Instruction[] slots, bool[] secondSlot, int[] functionOf)
    {
        int n = slots.Length;
        var entry = new ulong[n];
        const ulong frame = 1UL << 10;
        for (int i = 0; i < n; i++)
            if (i == 0) entry[i] = frame;
            else if (functionOf[i] != functionOf[i - 1]) entry[i] = frame | Arguments;
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = 0; i < n; i++)
            {
                if (secondSlot[i]) continue;
                ulong after = StackPointerTransfer(slots[i], entry[i]);
                foreach (int next in ProgramLayout.Successors(slots, i))
                {
                    if (next < 0 || next >= n) continue;
                    ulong merged = entry[next] | after;
                    if (merged != entry[next]) { entry[next] = merged; changed = true; }
                }
            }
        }
        return entry;
    }

    private static ulong StackPointerTransfer(Instruction insn, ulong p)
    {
        ulong dst = 1UL << insn.Destination, src = 1UL << insn.Source;
        switch (insn.Class)
        {
            case InstructionClass.Alu64:
            {
                var op = Opcodes.AluOperationOf(insn.Opcode);
                bool fromRegister = Opcodes.SourceOf(insn.Opcode) == OperandSource.Register;
                if (op == AluOperation.Mov) return fromRegister && (p & src) != 0 && insn.Offset == 0 ? p | dst : p & ~dst;
                if (op is AluOperation.Add or AluOperation.Sub) return fromRegister && (p & src) != 0 ? p | dst : p;
                return p & ~dst;
            }
            case InstructionClass.Alu:
                return p & ~dst;
            case InstructionClass.Ldx:
                // An 8-byte fill from the stack may bring back a spilled stack pointer.
                return Opcodes.SizeOf(insn.Opcode) == AccessSize.DoubleWord && (p & src) != 0 ? p | dst : p & ~dst;
            case InstructionClass.Stx when Opcodes.ModeOf(insn.Opcode) == AccessMode.Atomic:
                return (insn.Immediate & 1) != 0 || insn.Immediate == (int)AtomicOperation.CompareExchange ? p & ~(src | 1) : p;
            case InstructionClass.Ld:
                return insn.IsLddw ? p & ~dst : p & ~CallerSaved;
            case InstructionClass.Jmp when Opcodes.JumpOperationOf(insn.Opcode) == JumpOperation.Call:
                // A helper never returns a stack pointer; a local function may return one it was given.
                p &= ~CallerSaved;
                return insn.Source == (byte)CallKind.Local ? p | 1 : p;
            default:
                return p;
        }
    }

    private static int SlotOf(int offset) => offset >= -512 && offset < 0 ? (512 + offset) / 8 : -1;

    /// <summary>What is needed before <paramref name="insn"/>, given what is needed after it.</summary>
    private static (ulong Registers, ulong Slots) Transfer(Instruction insn, ulong r, ulong s, bool isMain, bool returnValueMatters, ulong stackPointers)
    {
        ulong dst = 1UL << insn.Destination, src = 1UL << insn.Source;
        bool dstNeeded = (r & dst) != 0;
        switch (insn.Class)
        {
            case InstructionClass.Alu or InstructionClass.Alu64:
            {
                var op = Opcodes.AluOperationOf(insn.Opcode);
                bool fromRegister = Opcodes.SourceOf(insn.Opcode) == OperandSource.Register;
                if (op == AluOperation.Mov)
                {
                    r &= ~dst;
                    if (dstNeeded && fromRegister) r |= src;
                    return (r, s);
                }
                if (!fromRegister || op is AluOperation.Neg or AluOperation.End) return (r, s);
                if (dstNeeded) r |= src;
                // Either operand of an addition may be a pointer's offset; the subtrahend of a subtraction may be.
                if (op == AluOperation.Add) r |= src | dst;
                if (op == AluOperation.Sub) r |= src;
                return (r, s);
            }
            case InstructionClass.Ldx:
            {
                r &= ~dst;
                if (!dstNeeded) return (r, s);
                int slot = insn.Source == 10 ? SlotOf(insn.Offset) : -1;
                if (slot >= 0) s |= 1UL << slot;
                else if (insn.Source != 10 && (stackPointers & src) != 0) s = AllSlots;
                return (r, s);
            }
            case InstructionClass.St or InstructionClass.Stx:
            {
                bool atomic = Opcodes.ModeOf(insn.Opcode) == AccessMode.Atomic;
                if (atomic)
                {
                    r |= src | 1;
                    if (insn.Destination == 10 && SlotOf(insn.Offset) is >= 0 and var atomicSlot) s |= 1UL << atomicSlot;
                    return (r, s);
                }
                ulong value = insn.Class == InstructionClass.Stx ? src : 0;
                if (insn.Destination == 10)
                {
                    int slot = SlotOf(insn.Offset);
                    if (slot < 0) return (r, s);
                    ulong bit = 1UL << slot;
                    if ((s & bit) != 0)
                    {
                        r |= value;
                        if (Opcodes.SizeOf(insn.Opcode) == AccessSize.DoubleWord) s &= ~bit;
                    }
                    return (r, s);
                }
                if (s != 0 && (stackPointers & dst) != 0) r |= value;
                return (r, s);
            }
            case InstructionClass.Ld:
                if (insn.IsLddw) return (r & ~dst, s);
                return ((r & ~CallerSaved) | (Opcodes.ModeOf(insn.Opcode) == AccessMode.Indirect ? src : 0), s);
            default:
            {
                var op = Opcodes.JumpOperationOf(insn.Opcode);
                switch (op)
                {
                    case JumpOperation.Ja:
                        return (r, s);
                    case JumpOperation.Exit:
                        return (!isMain || returnValueMatters ? 1UL : 0UL, 0);
                    case JumpOperation.Call:
                        r = (r & ~CallerSaved) | (insn.Source == (byte)CallKind.Helper ? HelperArguments.Mask(insn.Immediate) : Arguments);
                        if (insn.Source == (byte)CallKind.Local || HelperArguments.MayCallBack(insn.Immediate)) s = AllSlots;
                        return (r, s);
                    default:
                        r |= dst;
                        if (Opcodes.SourceOf(insn.Opcode) == OperandSource.Register) r |= src;
                        return (r, s);
                }
            }
        }
    }
}
