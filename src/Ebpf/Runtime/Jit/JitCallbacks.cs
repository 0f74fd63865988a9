namespace Ebpf.Runtime.Jit;

/// <summary>
/// Runs callbacks of one compiled program: calls the compiled function of the callback as a bpf-to-bpf call one frame
/// below the helper's caller, on the run's own <see cref="JitContext"/> (stack, budget, call depth).
/// </summary>
/// <param name="functions">The compiled function of each callback, indexed by its start slot (null elsewhere).</param>
internal sealed unsafe class JitCallbacks(JitEntry?[] functions) : CallbackHost
{
    public override bool IsFunction(int start) => (uint)start < (uint)functions.Length && functions[start] is not null;

    public override ulong Call(RunContext context, int start, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var jit = context.JitState!;
        int depth = context.CallDepth + 1;
        if (depth >= ExecutionLimits.MaxCallFrames) throw MemoryFaults.CallTooDeep(context.CurrentInstruction);
        int helperInstruction = context.CurrentInstruction;
        ulong r10 = jit.StackHigh - (ulong)depth * ExecutionLimits.StackBytesPerFrame;
        // Every function but the entry zeroes its frame itself; a callback that is the entry function does not.
        if (start == 0) new Span<byte>((void*)(r10 - ExecutionLimits.StackBytesPerFrame), ExecutionLimits.StackBytesPerFrame).Clear();
        ulong r0 = functions[start]!(0, r1, r2, r3, r4, r5, 0, 0, 0, 0, r10, depth, jit);
        if (JitRuntime.IsEnding(jit))
        {
            context.PendingTailCall = null;
            throw MemoryFaults.EndedInsideCallback(helperInstruction);
        }
        return r0;
    }
}
