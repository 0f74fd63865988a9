using Ebpf.Isa;

namespace Ebpf.Runtime;

public sealed unsafe partial class Interpreter
{
    /// <summary>
    /// The functions the program takes references to (<c>lddw</c> source 4), the callbacks it may pass to helpers,
    /// marked by start slot; null when there are none.
    /// </summary>
    private bool[]? CallbackTargets()
    {
        bool[]? targets = null;
        for (int pc = 0; pc < _code.Length; pc++)
        {
            var insn = _code[pc];
            if (!insn.IsLddw) continue;
            if (insn.Source == (byte)LddwSource.Function) (targets ??= new bool[_code.Length])[pc + 1 + insn.Immediate] = true;
            pc++;
        }
        return targets;
    }

    /// <summary>Runs callbacks of one interpreted program: a nested loop over a new frame below the helper's caller.</summary>
    private sealed class InterpreterCallbacks(Interpreter program, bool[] functions) : CallbackHost
    {
        public override bool IsFunction(int start) => (uint)start < (uint)functions.Length && functions[start];

        public override ulong Call(RunContext context, int start, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
        {
            int depth = context.CallDepth + 1;
            if (depth >= ExecutionLimits.MaxCallFrames) throw MemoryFaults.CallTooDeep(context.CurrentInstruction);
            ulong* r = stackalloc ulong[11];
            Frame* frames = stackalloc Frame[ExecutionLimits.MaxCallFrames];
            r[0] = 0;
            r[1] = r1; r[2] = r2; r[3] = r3; r[4] = r4; r[5] = r5;
            r[6] = r[7] = r[8] = r[9] = 0;
            r[10] = context.StackHigh - (ulong)depth * ExecutionLimits.StackBytesPerFrame;
            ulong callerStackLow = context.StackLow;
            ulong frameLow = r[10] - ExecutionLimits.StackBytesPerFrame;
            new Span<byte>((void*)frameLow, ExecutionLimits.StackBytesPerFrame).Clear();
            context.StackLow = frameLow;
            int helperInstruction = context.CurrentInstruction;
            ulong r0 = program.Loop(context, r, frames, start, depth, out bool ended);
            context.StackLow = callerStackLow;
            if (ended)
            {
                context.PendingTailCall = null;
                throw MemoryFaults.EndedInsideCallback(helperInstruction);
            }
            return r0;
        }
    }
}
