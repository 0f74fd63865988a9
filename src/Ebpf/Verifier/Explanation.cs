using System.Text;
using Ebpf.Btf;
using Ebpf.Isa;

namespace Ebpf.Verifier;

/// <summary>Turns a failed check into one message a person can act on: what, where (instruction and source line), how (the path), why (the state), and a fix.</summary>
internal static class Explanation
{
    private const int PathDecisionsShown = 12;

    public static string Build(string program, VerifierError error, Instruction[] slots, VerifierState? state, BtfLineInfo? line)
    {
        var text = new StringBuilder();
        text.Append($"program '{program}' rejected: {error.Problem}");
        if (error.Instruction >= 0 && error.Instruction < slots.Length)
        {
            text.Append($"\n  at instruction {error.Instruction}: {VerifierLog.Disassemble(slots, error.Instruction)}");
            if (line is not null && line.Line != 0)
                text.Append($"\n  source: {Path.GetFileName(line.FileName)}:{line.Line}: {line.LineText.Trim()}");
        }
        if (state is not null)
        {
            var decisions = state.Path.Decisions(PathDecisionsShown);
            if (decisions.Count > 0)
            {
                text.Append("\n  path:");
                if (state.Path.Length > decisions.Count) text.Append($" ({state.Path.Length - decisions.Count} earlier branches)");
                foreach (var (at, taken) in decisions)
                    text.Append($"\n    {at}: {VerifierLog.Disassemble(slots, at)}  -> {(taken ? "taken" : "not taken")}");
            }
            if (state.Frames.Count > 1) text.Append($"\n  in function at instruction {state.Current.FunctionStart} (call depth {state.FrameNumber})");
            if (error.Register >= 0 && error.Register < FrameState.RegisterCount)
                text.Append($"\n  r{error.Register} = {state.Registers[error.Register]}");
            text.Append($"\n  state: {VerifierLog.DescribeRegisters(state)}");
        }
        if (error.Hint is not null) text.Append($"\n  hint: {error.Hint}");
        return text.ToString();
    }
}
