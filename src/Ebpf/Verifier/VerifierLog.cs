using System.Text;
using Ebpf.Isa;
using Ebpf.Isa.Text;

namespace Ebpf.Verifier;

/// <summary>
/// The kernel-style verifier log: at level 1 each processed instruction and the state where a path starts or is pruned,
/// at level 2 the registers after every instruction too. Keeps the most recent lines up to a limit.
/// </summary>
internal sealed class VerifierLog(int level, int maxLines)
{
    private readonly Queue<string> _lines = new();

    public int Level { get; } = level;

    public bool Enabled => Level > 0;

    public void Line(string text)
    {
        if (!Enabled) return;
        _lines.Enqueue(text);
        if (_lines.Count > maxLines) _lines.Dequeue();
    }

    public void Step(int pc, Instruction[] slots, VerifierState state)
    {
        if (!Enabled) return;
        if (Level >= 2) Line($"{pc}: {DescribeRegisters(state)}");
        Line($"{pc}: (0x{slots[pc].Opcode:x2}) {Disassemble(slots, pc)}");
    }

    public void PathStart(int pc, VerifierState state)
    {
        if (!Enabled) return;
        var last = state.Path.Decisions(1);
        string from = last.Count > 0 ? $"from {last[0].Instruction} to {pc}" : $"at {pc}";
        Line($"{from}: {DescribeRegisters(state)}");
    }

    public void Pruned(int pc)
    {
        if (Enabled) Line($"{pc}: safe (an explored state covers this one)");
    }

    public static string Disassemble(Instruction[] slots, int pc)
    {
        var next = pc + 1 < slots.Length ? slots[pc + 1] : (Instruction?)null;
        try { return Disassembler.Format(slots[pc], next); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return slots[pc].ToString(); }
    }

    /// <summary>The initialised registers and stack slots of the running frame, as the kernel prints them (R1=ctx() R10=fp0 fp-8=…).</summary>
    public static string DescribeRegisters(VerifierState state)
    {
        var text = new StringBuilder();
        if (state.Frames.Count > 1) text.Append($"frame{state.FrameNumber}: ");
        var regs = state.Registers;
        for (int r = 0; r < FrameState.RegisterCount; r++)
        {
            if (regs[r].Kind == RegisterKind.NotInitialized) continue;
            if (text.Length > 0 && text[^1] != ' ') text.Append(' ');
            text.Append($"R{r}=");
            text.Append(r == 10 ? $"fp{(state.FrameNumber == 0 ? "0" : state.FrameNumber.ToString())}" : regs[r].ToString());
        }
        string stack = state.Current.Stack.Describe();
        if (stack.Length > 0) text.Append(' ').Append(stack);
        return text.ToString();
    }

    public override string ToString() => _lines.Count == 0 ? "" : string.Join('\n', _lines) + "\n";
}
