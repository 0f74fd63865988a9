using System.Reflection;
using System.Reflection.Emit;
using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Emits the IL of one function of a program. eBPF registers r0–r10 are the method's first eleven arguments (so a
/// call passes them straight through), followed by the call depth and the <see cref="JitContext"/>. IL's evaluation
/// stack is empty between eBPF instructions, so every instruction may be a branch target. The instruction shapes
/// live in the partial files beside this one (arithmetic, jumps, memory, calls).
/// </summary>
internal sealed partial class MethodEmitter
{
    public const int DepthArgument = 11;
    public const int ContextArgument = 12;

    /// <summary>The parameter types of every compiled function: r0–r10, depth, context.</summary>
    public static readonly Type[] ParameterTypes =
        [.. Enumerable.Repeat(typeof(ulong), 11), typeof(int), typeof(JitContext)];

    private readonly ILGenerator _il;
    private readonly Instruction[] _code;
    private readonly Subprogram _function;
    private readonly JitCompilation _compilation;
    private readonly bool _checked;
    private readonly bool _isEntry;
    private readonly Dictionary<int, Label> _labels = new();
    private readonly SortedDictionary<int, int> _blockLengths = new();
    private LocalBuilder _stackLow = null!;
    private LocalBuilder _stackSpan = null!;
    private LocalBuilder _address = null!;
    private LocalBuilder _fastStart = null!;
    private LocalBuilder _fastLength = null!;
    private LocalBuilder _fastWritableLength = null!;
    private LocalBuilder _fastOffset = null!;

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
        _stackSpan = _il.DeclareLocal(typeof(ulong));
        // stackLow = r10 - 512: the lowest byte this frame owns.
        LoadRegister(10);
        _il.Emit(OpCodes.Ldc_I8, (long)ExecutionLimits.StackBytesPerFrame);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Stloc, _stackLow);
        if (!_isEntry)
        {
            // A new frame starts zeroed, as in the interpreter.
            _il.Emit(OpCodes.Ldloc, _stackLow);
            _il.Emit(OpCodes.Conv_U);
            _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Ldc_I4, ExecutionLimits.StackBytesPerFrame);
            _il.Emit(OpCodes.Initblk);
        }
        if (_checked)
        {
            // stackSpan = stackHigh - stackLow: this frame and every caller's frame above it.
            LoadContext();
            _il.Emit(OpCodes.Ldfld, JitMembers.StackHigh);
            _il.Emit(OpCodes.Ldloc, _stackLow);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Stloc, _stackSpan);
            _fastStart = _il.DeclareLocal(typeof(ulong));
            _fastLength = _il.DeclareLocal(typeof(ulong));
            _fastWritableLength = _il.DeclareLocal(typeof(ulong));
            _fastOffset = _il.DeclareLocal(typeof(ulong));
            LoadContext();
            _il.Emit(OpCodes.Ldfld, JitMembers.FastStart);
            _il.Emit(OpCodes.Stloc, _fastStart);
            LoadContext();
            _il.Emit(OpCodes.Ldfld, JitMembers.FastLength);
            _il.Emit(OpCodes.Stloc, _fastLength);
            LoadContext();
            _il.Emit(OpCodes.Ldfld, JitMembers.FastWritableLength);
            _il.Emit(OpCodes.Stloc, _fastWritableLength);
        }
    }

    private void EmitBudget(int pc, int length)
    {
        var withinBudget = _il.DefineLabel();
        LoadContext();
        LoadContext();
        _il.Emit(OpCodes.Ldfld, JitMembers.Executed);
        _il.Emit(OpCodes.Ldc_I8, (long)length);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stfld, JitMembers.Executed);
        LoadContext();
        _il.Emit(OpCodes.Ldfld, JitMembers.Executed);
        LoadContext();
        _il.Emit(OpCodes.Ldfld, JitMembers.Budget);
        _il.Emit(OpCodes.Ble, withinBudget);
        LoadContext();
        _il.Emit(OpCodes.Ldc_I4, pc);
        _il.Emit(OpCodes.Call, JitMembers.ThrowBudgetExhausted);
        _il.MarkLabel(withinBudget);
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
                if (insn.IsLddw) EmitLddw(insn, _code[pc + 1]);
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

    private void LoadRegister(int register) => _il.Emit(OpCodes.Ldarg, (short)register);

    private void StoreRegister(int register) => _il.Emit(OpCodes.Starg, (short)register);

    private void LoadContext() => _il.Emit(OpCodes.Ldarg, (short)ContextArgument);

    private void LoadImmediate64(int immediate) => _il.Emit(OpCodes.Ldc_I8, (long)immediate);

    private Label LabelOf(int target) => _labels[target];

    private void Call(MethodInfo method) => _il.Emit(OpCodes.Call, method);
}
