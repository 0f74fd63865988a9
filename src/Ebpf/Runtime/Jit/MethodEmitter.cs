using System.Reflection;
using System.Reflection.Emit;
using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Emits the IL of one function of a program. eBPF registers r0–r10 are the method's arguments 1 to 11 (so a
/// call passes them straight through), followed by the call depth and the <see cref="JitContext"/>. IL's evaluation
/// stack is empty between eBPF instructions, so every instruction may be a branch target. The instruction shapes
/// live in the partial files beside this one (arithmetic, jumps, memory, calls).
/// </summary>
internal sealed partial class MethodEmitter
{
    /// <summary>Argument 0 is an unused closure object: a delegate closed over it calls the method without a shuffle thunk.</summary>
    public const int FirstRegisterArgument = 1;
    public const int DepthArgument = 12;
    public const int ContextArgument = 13;

    /// <summary>The parameter types of every compiled function: closure, r0–r10, depth, context.</summary>
    public static readonly Type[] ParameterTypes =
        [typeof(object), .. Enumerable.Repeat(typeof(ulong), 11), typeof(int), typeof(JitContext)];

    private readonly ILGenerator _il;
    private readonly Instruction[] _code;
    private readonly Subprogram _function;
    private readonly JitCompilation _compilation;
    private readonly bool _checked;
    private readonly bool _isEntry;
    private readonly Dictionary<int, Label> _labels = new();
    private readonly SortedDictionary<int, int> _blockLengths = new();
    private LocalBuilder _stackLow = null!;
    private LocalBuilder _address = null!;
    private LocalBuilder _fastStart = null!;
    private LocalBuilder _remaining = null!;
    private LocalBuilder? _pointer;
    private readonly Dictionary<(int Size, bool Write), LocalBuilder> _fastBounds = new();
    private readonly Dictionary<int, LocalBuilder> _stackBounds = new();

    public MethodEmitter(ILGenerator il, Instruction[] code, Subprogram function, JitCompilation compilation, bool isEntry)
    {
        _il = il;
        _code = code;
        _function = function;
        _compilation = compilation;
        _checked = compilation.Checked;
        _isEntry = isEntry;
    }

    public void Emit()
    {
        FindLabelsAndBlocks();
        EmitPrologue();
        for (int pc = _function.Start; pc < _function.End; pc++)
        {
            if (_labels.TryGetValue(pc, out var label)) _il.MarkLabel(label);
            if (_checked && _blockLengths.TryGetValue(pc, out int length)) EmitBudget(pc, length);
            var insn = _code[pc];
            EmitInstruction(insn, pc);
            if (insn.IsLddw) pc++;
        }
    }

    private void FindLabelsAndBlocks()
    {
        var leaders = new SortedSet<int> { _function.Start };
        for (int pc = _function.Start; pc < _function.End; pc++)
        {
            var insn = _code[pc];
            if (Subprograms.JumpTarget(insn, pc) is { } target)
            {
                if (!_labels.ContainsKey(target)) _labels[target] = _il.DefineLabel();
                leaders.Add(target);
                leaders.Add(pc + 1);
            }
            else if (insn.Opcode == Opcodes.Exit)
            {
                leaders.Add(pc + 1);
            }
            if (insn.IsLddw) pc++;
        }
        var ordered = leaders.Where(l => l < _function.End).ToList();
        for (int i = 0; i < ordered.Count; i++)
        {
            int end = i + 1 < ordered.Count ? ordered[i + 1] : _function.End;
            int count = 0;
            for (int pc = ordered[i]; pc < end; pc++)
            {
                count++;
                if (_code[pc].IsLddw) pc++;
            }
            _blockLengths[ordered[i]] = count;
        }
    }

    private void EmitPrologue()
    {
        _address = _il.DeclareLocal(typeof(ulong));
        _stackLow = _il.DeclareLocal(typeof(ulong));
        // stackLow = r10 - 512: the lowest byte this frame owns.
        LoadRegister(10);
        _il.Emit(OpCodes.Ldc_I8, (long)ExecutionLimits.StackBytesPerFrame);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Stloc, _stackLow);
        int used = _compilation.ZeroedStackBytes[_function.Start];
        if (!_isEntry && used > 0)
        {
            // A new frame starts zeroed as far as its code can reach (the interpreter zeroes all of it).
            LoadRegister(10);
            _il.Emit(OpCodes.Ldc_I8, (long)used);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Conv_U);
            _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Ldc_I4, used);
            _il.Emit(OpCodes.Initblk);
        }
        if (_checked)
        {
            EmitBoundsPrologue();
            _remaining = _il.DeclareLocal(typeof(long));
            ReloadRemaining();
        }
    }

    /// <summary>
    /// For each access width the function checks, the bounds of its one-compare tests: an access of n bytes at
    /// <c>address</c> is inside a region [start, start + length) when <c>address - start &lt; length - n + 1</c>.
    /// </summary>
    private void EmitBoundsPrologue()
    {
        foreach (var (size, write) in CheckedAccesses())
        {
            var bound = _il.DeclareLocal(typeof(ulong));
            LoadContext();
            _il.Emit(OpCodes.Ldfld, write ? JitMembers.FastWritableLength : JitMembers.FastLength);
            _il.Emit(OpCodes.Ldc_I4, size);
            Call(JitMembers.Bound);
            _il.Emit(OpCodes.Stloc, bound);
            _fastBounds[(size, write)] = bound;
            if (_stackBounds.ContainsKey(size)) continue;
            var stackBound = _il.DeclareLocal(typeof(ulong));
            LoadContext();
            _il.Emit(OpCodes.Ldfld, JitMembers.StackHigh);
            _il.Emit(OpCodes.Ldloc, _stackLow);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Ldc_I4, size);
            Call(JitMembers.Bound);
            _il.Emit(OpCodes.Stloc, stackBound);
            _stackBounds[size] = stackBound;
        }
        if (_fastBounds.Count > 0)
        {
            _fastStart = _il.DeclareLocal(typeof(ulong));
            LoadContext();
            _il.Emit(OpCodes.Ldfld, JitMembers.FastStart);
            _il.Emit(OpCodes.Stloc, _fastStart);
        }
    }

    /// <summary>The (width, write) pairs of the loads and stores that need a run-time check.</summary>
    private HashSet<(int Size, bool Write)> CheckedAccesses()
    {
        var accesses = new HashSet<(int, bool)>();
        for (int pc = _function.Start; pc < _function.End; pc++)
        {
            var insn = _code[pc];
            if (insn.IsLddw)
            {
                pc++;
                continue;
            }
            if (insn.Class is not (InstructionClass.Ldx or InstructionClass.St or InstructionClass.Stx)) continue;
            if (Opcodes.ModeOf(insn.Opcode) == AccessMode.Atomic) continue;
            int size = Opcodes.Bytes(Opcodes.SizeOf(insn.Opcode));
            if (IsStaticallyInsideFrame(StackUsage.BaseRegister(insn), insn.Offset, size)) continue;
            accesses.Add((size, insn.Class != InstructionClass.Ldx));
        }
        return accesses;
    }

    /// <summary>r10 always points at the top of this frame, so r10 plus a constant inside the frame needs no check.</summary>
    private static bool IsStaticallyInsideFrame(int baseRegister, short offset, int size) =>
        baseRegister == ProgramValidator.FramePointer && StackUsage.IsInsideFrame(offset, size);

    /// <summary>Counts a basic block against the budget kept in a local; stops the run when it is spent.</summary>
    private void EmitBudget(int pc, int length)
    {
        var withinBudget = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, _remaining);
        _il.Emit(OpCodes.Ldc_I8, (long)length);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Dup);
        _il.Emit(OpCodes.Stloc, _remaining);
        _il.Emit(OpCodes.Ldc_I8, 0L);
        _il.Emit(OpCodes.Bge, withinBudget);
        SaveExecuted();
        LoadContext();
        _il.Emit(OpCodes.Ldc_I4, pc);
        _il.Emit(OpCodes.Call, JitMembers.ThrowBudgetExhausted);
        _il.MarkLabel(withinBudget);
    }

    /// <summary>Writes the instruction count back to the context (checked mode): before exits, calls and faults.</summary>
    private void SaveExecuted()
    {
        if (!_checked) return;
        LoadContext();
        LoadContext();
        _il.Emit(OpCodes.Ldfld, JitMembers.Budget);
        _il.Emit(OpCodes.Ldloc, _remaining);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Stfld, JitMembers.Executed);
    }

    /// <summary>Reads the remaining budget from the context (after a call counted the callee's instructions).</summary>
    private void ReloadRemaining()
    {
        if (!_checked) return;
        LoadContext();
        _il.Emit(OpCodes.Ldfld, JitMembers.Budget);
        LoadContext();
        _il.Emit(OpCodes.Ldfld, JitMembers.Executed);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Stloc, _remaining);
    }

    private void EmitInstruction(Instruction insn, int pc)
    {
        switch (insn.Class)
        {
            case InstructionClass.Alu:
            case InstructionClass.Alu64:
                EmitArithmetic(insn);
                break;
            case InstructionClass.Jmp:
            case InstructionClass.Jmp32:
                EmitJumpOrCall(insn, pc);
                break;
            case InstructionClass.Ld:
                if (insn.IsLddw) EmitLddw(insn, _compilation.LddwValue(pc));
                else EmitPacketLoad(insn);
                break;
            case InstructionClass.Ldx:
                EmitLoad(insn, pc);
                break;
            case InstructionClass.St:
            case InstructionClass.Stx:
                if (Opcodes.ModeOf(insn.Opcode) == AccessMode.Atomic) EmitAtomic(insn, pc);
                else EmitStore(insn, pc);
                break;
        }
    }

    private void LoadRegister(int register) => _il.Emit(OpCodes.Ldarg, (short)(FirstRegisterArgument + register));

    private void StoreRegister(int register) => _il.Emit(OpCodes.Starg, (short)(FirstRegisterArgument + register));

    private void LoadContext() => _il.Emit(OpCodes.Ldarg, (short)ContextArgument);

    private void LoadImmediate64(int immediate) => _il.Emit(OpCodes.Ldc_I8, (long)immediate);

    private Label LabelOf(int target) => _labels[target];

    private void Call(MethodInfo method) => _il.Emit(OpCodes.Call, method);
}
