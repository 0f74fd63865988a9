namespace Ebpf.Verifier;

/// <summary>One function's frame on a path: its eleven registers, its stack and where it returns to.</summary>
internal sealed class FrameState
{
    public const int RegisterCount = 11;

    public RegisterState[] Registers { get; }
    public StackState Stack { get; }

    /// <summary>The call instruction this frame returns after (-1 for the main program).</summary>
    public int CallSite { get; }

    /// <summary>The first instruction of the function running in this frame.</summary>
    public int FunctionStart { get; }

    /// <summary>For a callback frame, what the callback's return value must be (the callback's helper checks it).</summary>
    public bool IsCallback { get; init; }

    /// <summary>
    /// For a callback frame, which iteration of its loop this is on the path (the caller's callback_depth when it was
    /// entered): two states of different iterations are not an infinite loop, as the helper bounds the iterations.
    /// </summary>
    public int Iteration { get; init; }

    /// <summary>
    /// The kernel's callback_depth: how many callback iterations this (calling) frame's path has entered in a row at
    /// its current call. A bpf_loop call whose loop count is at most this many enters no further iteration, and a frame that
    /// entered more iterations never covers one that entered fewer.
    /// </summary>
    public ulong CallbackDepth { get; set; }

    public FrameState(int callSite, int functionStart, int frameNumber)
    {
        Registers = new RegisterState[RegisterCount];
        Stack = new StackState();
        CallSite = callSite;
        FunctionStart = functionStart;
        Registers[10] = RegisterState.Pointer(RegisterKind.Stack) with { Frame = frameNumber };
    }

    private FrameState(FrameState other)
    {
        Registers = (RegisterState[])other.Registers.Clone();
        Stack = other.Stack.Clone();
        CallSite = other.CallSite;
        FunctionStart = other.FunctionStart;
        IsCallback = other.IsCallback;
        Iteration = other.Iteration;
        CallbackDepth = other.CallbackDepth;
    }

    public FrameState Clone() => new(this);

    /// <summary>Whether this (older) frame covers <paramref name="current"/>, comparing live registers, exactly where precision matters.</summary>
    public bool Covers(FrameState current, ulong liveRegisters, ulong preciseRegisters, ulong preciseSlots, IdMap ids)
    {
        if (CallSite != current.CallSite || FunctionStart != current.FunctionStart || IsCallback != current.IsCallback) return false;
        // func_states_equal: a frame that entered more bpf_loop iterations has fewer left, so it cannot stand for this one.
        if (CallbackDepth > current.CallbackDepth) return false;
        for (int r = 0; r < RegisterCount; r++)
            if ((liveRegisters & (1UL << r)) != 0 && !Registers[r].Covers(current.Registers[r], ids, exact: (preciseRegisters & (1UL << r)) != 0)) return false;
        return Stack.Covers(current.Stack, ids, preciseSlots);
    }
}
