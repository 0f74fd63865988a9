using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

/// <summary>One function of a program: the entry (at 0) or a bpf-to-bpf call target, up to the next function.</summary>
/// <param name="Start">The first instruction slot.</param>
/// <param name="End">One past the last slot.</param>
internal readonly record struct Subprogram(int Start, int End);

/// <summary>Splits a program into functions the way the kernel does: every local call target and function reference starts one.</summary>
internal static class Subprograms
{
    /// <summary>The functions, in slot order, or the reason the program cannot be split (it then runs interpreted).</summary>
    public static IReadOnlyList<Subprogram> Split(ReadOnlySpan<Instruction> code, out string? unsupported)
    {
        var starts = new SortedSet<int> { 0 };
        for (int pc = 0; pc < code.Length; pc++)
        {
            if (code[pc].Opcode == Opcodes.Call && code[pc].Source == (byte)CallKind.Local) starts.Add(pc + 1 + code[pc].Immediate);
            // A function reference (lddw src=4) names a callback, which the kernel makes a subprogram too.
            if (code[pc].IsLddw && code[pc].Source == (byte)LddwSource.Function) starts.Add(pc + 1 + code[pc].Immediate);
            if (code[pc].IsLddw) pc++;
        }
        var list = starts.ToList();
        var functions = new List<Subprogram>();
        for (int i = 0; i < list.Count; i++) functions.Add(new Subprogram(list[i], i + 1 < list.Count ? list[i + 1] : code.Length));

        foreach (var function in functions)
        {
            for (int pc = function.Start; pc < function.End; pc++)
            {
                var insn = code[pc];
                int? target = JumpTarget(insn, pc);
                if (target is { } t && (t < function.Start || t >= function.End))
                {
                    unsupported = $"instruction {pc} jumps to {t}, outside its function ({function.Start} to {function.End - 1})";
                    return [];
                }
                if (insn.IsLddw) pc++;
            }
            int last = LastInstruction(code, function);
            if (code[last].Opcode is not (Opcodes.Exit or Opcodes.Ja or Opcodes.Ja32))
            {
                unsupported = $"the function at {function.Start} falls through into the next one at {function.End}";
                return [];
            }
        }
        unsupported = null;
        return functions;
    }

    /// <summary>The target slot of a jump instruction, or null for anything else.</summary>
    public static int? JumpTarget(Instruction insn, int pc)
    {
        if (!Opcodes.IsJumpClass(insn.Opcode)) return null;
        if (insn.Opcode == Opcodes.Ja32) return pc + 1 + insn.Immediate;
        var op = Opcodes.JumpOperationOf(insn.Opcode);
        if (op is JumpOperation.Call or JumpOperation.Exit) return null;
        return pc + 1 + insn.Offset;
    }

    private static int LastInstruction(ReadOnlySpan<Instruction> code, Subprogram function)
    {
        int last = function.Start;
        for (int pc = function.Start; pc < function.End; pc++)
        {
            last = pc;
            if (code[pc].IsLddw) pc++;
        }
        return last;
    }
}
