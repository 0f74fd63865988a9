namespace Ebpf.Verifier;

/// <summary>An acquired reference a path must release (a reserved ring-buffer record) and where it was acquired.</summary>
internal readonly record struct AcquiredReference(int Id, int Instruction);

/// <summary>
/// The whole abstract state of one path at one instruction: its call frames (the last is running), the references it
/// holds, and the branch decisions that led here (for explanations).
/// </summary>
internal sealed class VerifierState
{
    public List<FrameState> Frames { get; }
    public List<AcquiredReference> References { get; }

    /// <summary>The branch decisions of this path, newest last: (instruction, taken).</summary>
    public PathHistory Path { get; set; }

    public VerifierState(FrameState main)
    {
        Frames = [main];
        References = [];
        Path = PathHistory.Empty;
    }

    private VerifierState(VerifierState other)
    {
        Frames = other.Frames.Select(f => f.Clone()).ToList();
        References = [.. other.References];
        Path = other.Path;
    }

    public VerifierState Clone() => new(this);

    public FrameState Current => Frames[^1];

    public RegisterState[] Registers => Current.Registers;

    public int FrameNumber => Frames.Count - 1;

    /// <summary>Applies <paramref name="update"/> to every register and spilled register of every frame.</summary>
    public void UpdateAll(Func<RegisterState, RegisterState?> update)
    {
        foreach (var frame in Frames)
        {
            for (int r = 0; r < FrameState.RegisterCount; r++)
                if (update(frame.Registers[r]) is RegisterState changed) frame.Registers[r] = changed;
            frame.Stack.UpdateSpills(update);
        }
    }

    /// <summary>
    /// Widening for repeated callbacks (the kernel's widen_imprecise_scalars at a callback's return): every scalar
    /// (register or spill) that differs from the same one in <paramref name="earlier"/> becomes unknown, so that repeated
    /// iterations reach a state an earlier one covers — except the precise ones, as the kernel keeps scalars its
    /// precision tracking marked. The kernel marks a number precise when a later decision depended on its exact value,
    /// typically a comparison whose outcome it fixed; here: in the running frame, a register of
    /// <paramref name="preciseRegisters"/> or a stack slot of <paramref name="preciseSlots"/> (numbers a later
    /// decision may need) whose earlier value was a constant (so a comparison with it was decided).
    /// </summary>
    public void WidenAgainst(VerifierState earlier, ulong preciseRegisters = 0, ulong preciseSlots = 0)
    {
        if (earlier.Frames.Count != Frames.Count) return;
        for (int f = 0; f < Frames.Count; f++)
        {
            bool running = f == Frames.Count - 1;
            ulong keepRegisters = running ? preciseRegisters : 0, keepSlots = running ? preciseSlots : 0;
            var regs = Frames[f].Registers;
            var old = earlier.Frames[f].Registers;
            for (int r = 0; r < FrameState.RegisterCount; r++)
            {
                if (!regs[r].IsScalar || (old[r].IsScalar && old[r].Bounds == regs[r].Bounds)) continue;
                if ((keepRegisters & (1UL << r)) != 0 && old[r].IsScalar && old[r].Bounds.IsConstant) continue;
                regs[r] = RegisterState.UnknownScalar;
            }
            Frames[f].Stack.WidenAgainst(earlier.Frames[f].Stack, keepSlots);
        }
    }

    /// <summary>Whether this (older, fully explored) state covers <paramref name="current"/>: every path from current is then safe.</summary>
    public bool Covers(VerifierState current, ulong liveRegisters) => Covers(current, liveRegisters, ulong.MaxValue, ulong.MaxValue);

    /// <summary>As <see cref="Covers(VerifierState, ulong)"/>, comparing the running frame's numbers exactly only where they still matter.</summary>
    public bool Covers(VerifierState current, ulong liveRegisters, ulong preciseRegisters, ulong preciseSlots)
    {
        if (Frames.Count != current.Frames.Count) return false;
        if (References.Count != current.References.Count) return false;
        for (int i = 0; i < References.Count; i++)
            if (References[i].Id != current.References[i].Id) return false;
        var ids = new IdMap();
        for (int i = 0; i < Frames.Count; i++)
        {
            bool running = i == Frames.Count - 1;
            if (!Frames[i].Covers(current.Frames[i], running ? liveRegisters : ulong.MaxValue, running ? preciseRegisters : ulong.MaxValue,
                running ? preciseSlots : ulong.MaxValue, ids)) return false;
        }
        return true;
    }
}

/// <summary>An immutable list of branch decisions, shared between paths that fork from one another.</summary>
internal sealed class PathHistory
{
    public static PathHistory Empty { get; } = new(null, -1, false, 0);

    public PathHistory? Previous { get; }
    public int Instruction { get; }
    public bool Taken { get; }
    public int Length { get; }

    private PathHistory(PathHistory? previous, int instruction, bool taken, int length)
    {
        Previous = previous;
        Instruction = instruction;
        Taken = taken;
        Length = length;
    }

    public PathHistory Add(int instruction, bool taken) => new(this, instruction, taken, Length + 1);

    /// <summary>The decisions oldest first, at most the last <paramref name="limit"/>.</summary>
    public IReadOnlyList<(int Instruction, bool Taken)> Decisions(int limit)
    {
        var list = new List<(int, bool)>();
        for (var p = this; p is not null && p.Length > 0 && list.Count < limit; p = p.Previous) list.Add((p.Instruction, p.Taken));
        list.Reverse();
        return list;
    }
}
