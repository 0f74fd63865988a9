using System.Diagnostics;
using Ebpf.Isa;
using Ebpf.Maps;

namespace Ebpf.Verifier;

/// <summary>
/// The path walker: abstract interpretation of every path of a program, depth first as the kernel's <c>do_check</c>.
/// A conditional jump whose both outcomes are possible forks the path; at pruning points the state is compared with
/// the states already fully explored there, and a path whose state one of them covers ends early. Each instruction
/// is checked on every path that reaches it; the first unsafe one throws <see cref="VerifierError"/>.
/// </summary>
internal sealed partial class ProgramWalker
{
    /// <summary>The kernel's MAX_CALL_FRAMES.</summary>
    private const int MaxFrames = 8;

    /// <summary>Inside a loop, a new checkpoint needs this many jumps or <see cref="LoopCheckpointInstructions"/> since the last (the kernel's 20 and 100).</summary>
    private const int LoopCheckpointJumps = 20;

    private const int LoopCheckpointInstructions = 100;

    /// <summary>A stored state that misses more than this many times per hit (plus this many) is dropped, as in the kernel.</summary>
    private const int MissesPerHit = 3;

    /// <summary>The same for a checkpoint still open at a callback's call, where iterations must find it to converge.</summary>
    private const int CallbackMissesPerHit = 64;

    /// <summary>The kernel's BPF_PRIV_STACK_MIN_SIZE: the smallest frame that gets a private stack in tracing programs.</summary>
    private const int PrivateStackMinimum = 64;

    private const int TailCallHelper = 12;

    /// <summary>The kernel's BPF_COMPLEXITY_LIMIT_JMP_SEQ: the most branches pushed for later exploration at once.</summary>
    private const int MaxPendingPaths = 8192;

    private readonly ProgramLayout _layout;
    private readonly ProgramRules _rules;
    private readonly IReadOnlyList<MapSpec> _maps;
    private readonly VerifierOptions _options;
    private readonly bool _gplCompatible;
    private readonly VerifierLog _log;
    private readonly List<Checkpoint>?[] _explored;
    private readonly Dictionary<int, int> _forEachMaps = [];
    private readonly int[] _stackDepth;
    private readonly Stack<PendingPath> _pending = new();

    private int _nextId;
    private int _processed;
    private int _states;
    private int _liveStates;
    private int _peakStates;
    private int _pruned;
    private int _jumpsProcessed;
    private int _lastCheckpointJumps;
    private int _lastCheckpointProcessed;

    /// <summary>The path being walked and its instruction, for explanations when a check fails.</summary>
    public VerifierState? FailedState { get; private set; }

    private readonly int _innerMapBase;

    /// <summary>Creates a walker; <paramref name="maps"/> are the program's maps, followed by each one's inner-map template (or itself) from index <paramref name="innerMapBase"/>.</summary>
    public ProgramWalker(ProgramLayout layout, ProgramRules rules, IReadOnlyList<MapSpec> maps, int innerMapBase, VerifierOptions options, string license, VerifierLog log)
    {
        _layout = layout;
        _rules = rules;
        _maps = maps;
        _innerMapBase = innerMapBase;
        _options = options;
        _gplCompatible = LicenseRules.IsGplCompatible(license);
        _log = log;
        _explored = new List<Checkpoint>?[layout.Slots.Length];
        _stackDepth = new int[layout.FunctionStarts.Length];
    }

    public int Processed => _processed;
    public int States => _states;
    public int PeakStates => _peakStates;
    public int Pruned => _pruned;

    /// <summary>Whether two states run the same iteration of every callback frame (else they cannot be the same loop).</summary>
    private static bool SameCallbackIterations(VerifierState older, VerifierState current)
    {
        if (older.Frames.Count != current.Frames.Count) return false;
        for (int f = 0; f < older.Frames.Count; f++)
            if (older.Frames[f].Iteration != current.Frames[f].Iteration) return false;
        return true;
    }

    private sealed class Checkpoint(VerifierState snapshot, Checkpoint? parent, int pc)
    {
        public VerifierState Snapshot { get; } = snapshot;
        public int Pc { get; } = pc;
        public Checkpoint? Parent { get; } = parent;
        public int Branches { get; set; } = 1;
        public int Hits { get; set; }
        public int Misses { get; set; }
    }

    private sealed class PendingPath(VerifierState state, int pc, Checkpoint? checkpoint)
    {
        public VerifierState State { get; } = state;
        public int Pc { get; set; } = pc;
        public Checkpoint? Checkpoint { get; set; } = checkpoint;
    }

    /// <summary>Walks every path from the program's entry with the given initial state.</summary>
    public void Run(VerifierState initial)
    {
        _pending.Push(new PendingPath(initial, 0, null));
        while (_pending.Count > 0)
        {
            var path = _pending.Pop();
            if (_pending.Count > 0 || path.Pc != 0) _log.PathStart(path.Pc, path.State);
            WalkPath(path);
        }
        CheckCombinedStack();
    }

    private void WalkPath(PendingPath path)
    {
        var state = path.State;
        FailedState = state;
        while (true)
        {
            int pc = path.Pc;
            if (++_processed > _options.InstructionBudget)
                throw new VerifierError(RejectionReason.TooComplex, pc,
                    $"BPF program is too large. Processed {_processed - 1} insn: more than the budget of {_options.InstructionBudget} instructions over all paths",
                    "simplify the program: bound loops by small constants, split it with tail calls, or move work into subprograms");
            if (_layout.IsPrunePoint[pc] && VisitPrunePoint(path))
            {
                _pruned++;
                _log.Pruned(pc);
                Release(path.Checkpoint);
                return;
            }
            _log.Step(pc, _layout.Slots, state);
            int next = Step(path, pc);
            if (next < 0)
            {
                Release(path.Checkpoint);
                return;
            }
            path.Pc = next;
        }
    }

    /// <summary>Runs one instruction; returns the next instruction, or -1 when the path ended.</summary>
    private int Step(PendingPath path, int pc)
    {
        var state = path.State;
        var insn = _layout.Slots[pc];
        switch (insn.Class)
        {
            case InstructionClass.Alu:
            case InstructionClass.Alu64:
                Alu(state, insn, pc);
                return pc + 1;
            case InstructionClass.Ldx:
                Load(state, insn, pc);
                return pc + 1;
            case InstructionClass.St:
            case InstructionClass.Stx:
                if (Opcodes.ModeOf(insn.Opcode) == AccessMode.Atomic) Atomic(state, insn, pc);
                else Store(state, insn, pc);
                return pc + 1;
            case InstructionClass.Ld:
                if (insn.IsLddw)
                {
                    LoadWide(state, insn, _layout.Slots[pc + 1], pc);
                    return pc + 2;
                }
                LegacyPacketLoad(state, insn, pc);
                return pc + 1;
            default:
                return Jump(path, insn, pc);
        }
    }

    private int Jump(PendingPath path, Instruction insn, int pc)
    {
        var state = path.State;
        var op = Opcodes.JumpOperationOf(insn.Opcode);
        switch (op)
        {
            case JumpOperation.Ja:
                _jumpsProcessed++;
                return ProgramLayout.TargetOf(insn, pc);
            case JumpOperation.Exit:
                return Exit(path, pc);
            case JumpOperation.Call:
                return ProgramLayout.IsLocalCall(insn) ? LocalCall(state, insn, pc) : HelperCall(path, insn, pc);
            default:
                _jumpsProcessed++;
                return ConditionalJump(path, insn, pc);
        }
    }

    /// <summary>Forks the path: <paramref name="state"/> continues at <paramref name="pc"/> later.</summary>
    private void Fork(PendingPath from, VerifierState state, int pc)
    {
        if (_pending.Count >= MaxPendingPaths)
            throw new VerifierError(RejectionReason.TooComplex, from.Pc,
                $"The sequence of {_pending.Count + 1} jumps is too complex: more than {MaxPendingPaths} branches wait to be explored",
                "split the long chain of conditions into a loop or subprograms, or spread it over tail calls");
        if (from.Checkpoint is not null) from.Checkpoint.Branches++;
        _pending.Push(new PendingPath(state, pc, from.Checkpoint));
    }

    /// <summary>Ends a path's hold on its checkpoints: a checkpoint with no live path below it is fully explored.</summary>
    private void Release(Checkpoint? checkpoint)
    {
        while (checkpoint is not null)
        {
            if (--checkpoint.Branches > 0) return;
            checkpoint = checkpoint.Parent;
        }
    }

    /// <summary>
    /// At a pruning point: true when an explored state covers the path's state; otherwise maybe stores a checkpoint.
    /// Bounded as the kernel's <c>is_state_visited</c>: inside a loop a checkpoint is stored only every 20 jumps or 100
    /// instructions, and every stored state (explored or still on the current path) that keeps missing while new states
    /// are being stored is dropped from the list, so the states compared per visit stay few.
    /// </summary>
    private bool VisitPrunePoint(PendingPath path)
    {
        int pc = path.Pc;
        var state = path.State;
        var list = _explored[pc] ??= [];
        ulong live = _layout.LiveIn[pc];
        // At a callback's call the checkpoint is forced and iterations converge on an open one (is_state_visited's
        // calls_callback: states_equal(RANGE_WITHIN)), so every number compares exactly there.
        bool callsCallback = ProgramLayout.CallsCallback(_layout.Slots[pc]);
        bool throttled = !callsCallback && _jumpsProcessed - _lastCheckpointJumps < LoopCheckpointJumps && _processed - _lastCheckpointProcessed < LoopCheckpointInstructions;
        bool addCheckpoint = true;
        // Newest first, as the kernel's list (new states go to its head): a path that ends on a match has charged a
        // miss only to the states stored after that one, so the loop's early iterations stay.
        for (int i = list.Count - 1; i >= 0; i--)
        {
            var old = list[i];
            if (old.Branches == 0)
            {
                if (old.Snapshot.Covers(state, live, _layout.PreciseRegisters[pc], _layout.PreciseSlots[pc]))
                {
                    old.Hits++;
                    return true;
                }
            }
            else
            {
                // Still being explored: depth-first order makes it an ancestor of this path (every pending path forks
                // below a checkpoint that is still open), so the same state again is a loop that cannot end.
                Debug.Assert(IsAncestor(old, path.Checkpoint), "a checkpoint with open branches is an ancestor of the current path");
                if (callsCallback)
                {
                    if (old.Snapshot.Covers(state, live))
                    {
                        old.Hits++;
                        return true;
                    }
                }
                else if (old.Snapshot.Covers(state, ulong.MaxValue) && state.Covers(old.Snapshot, ulong.MaxValue) && SameCallbackIterations(old.Snapshot, state))
                    throw new VerifierError(RejectionReason.InfiniteLoop, pc, $"infinite loop detected at insn {pc}: the loop comes back to the same state",
                        "make the loop's exit condition depend on a counter that changes every iteration and is bounded by a constant");
                if (throttled) addCheckpoint = false;
            }
            // Misses count only when a new state is stored, so that a loop keeps states of some early and some late iterations.
            if (addCheckpoint) old.Misses++;
            // Open checkpoints at a callback's call may miss more before they go (the kernel's 64 for forced checkpoints).
            int allowed = callsCallback && old.Branches > 0 ? CallbackMissesPerHit : MissesPerHit;
            if (old.Misses > old.Hits * allowed + allowed)
            {
                list.RemoveAt(i);
                _liveStates--;
            }
        }
        if (!addCheckpoint) return false;
        var checkpoint = new Checkpoint(state.Clone(), path.Checkpoint, pc);
        list.Add(checkpoint);
        path.Checkpoint = checkpoint;
        _states++;
        _liveStates++;
        _peakStates = Math.Max(_peakStates, _liveStates);
        _lastCheckpointJumps = _jumpsProcessed;
        _lastCheckpointProcessed = _processed;
        return false;
    }

    private static bool IsAncestor(Checkpoint candidate, Checkpoint? checkpoint)
    {
        for (var c = checkpoint; c is not null; c = c.Parent)
            if (ReferenceEquals(c, candidate)) return true;
        return false;
    }

    private int NewId() => ++_nextId;

    private RegisterState Read(VerifierState state, int register, int pc)
    {
        var value = state.Registers[register];
        if (value.Kind == RegisterKind.NotInitialized)
            throw new VerifierError(RejectionReason.UninitializedRegister, pc, $"R{register} !read_ok: r{register} is read before anything was written to it on this path",
                $"set r{register} on every path that reaches this instruction", register);
        return value;
    }

    /// <summary>
    /// The kernel's <c>check_max_stack_depth</c> with its JIT (x86-64, where the JIT is on by default): frames round up to
    /// 16 bytes, and one call chain may use 512 bytes in all, except that in tracing programs (kprobe, tracepoint,
    /// perf_event, raw_tracepoint) without tail calls a function whose frame is 64 bytes or more runs on a private stack
    /// of its own, so only its own frame must fit.
    /// </summary>
    private void CheckCombinedStack()
    {
        var callees = new List<int>[_layout.FunctionStarts.Length];
        for (int f = 0; f < callees.Length; f++) callees[f] = [];
        var slots = _layout.Slots;
        bool tailCalls = false;
        for (int i = 0; i < slots.Length; i++)
        {
            var insn = slots[i];
            if (ProgramLayout.IsLocalCall(insn) || (insn.IsLddw && insn.Source == (byte)LddwSource.Function))
                callees[_layout.FunctionOf(i)].Add(_layout.FunctionOf(ProgramLayout.TargetOf(insn, i)));
            else if (insn.Opcode == Opcodes.Call && insn.Source == 0 && insn.Immediate == TailCallHelper) tailCalls = true;
            if (insn.IsLddw) i++;
        }
        bool privateStacks = !tailCalls && _rules.Type is ProgramTypes.ProgramTypeId.Kprobe or ProgramTypes.ProgramTypeId.Tracepoint
            or ProgramTypes.ProgramTypeId.PerfEvent or ProgramTypes.ProgramTypeId.RawTracepoint;
        int Frame(int f) => (_stackDepth[f] + 15) / 16 * 16;
        var chain = new List<int>();
        void Visit(int f, int total)
        {
            int frame = Frame(f);
            chain.Add(f);
            if (privateStacks && frame >= PrivateStackMinimum)
            {
                if (frame > StackState.Size)
                    throw new VerifierError(RejectionReason.StackTooDeep, _layout.FunctionStarts[f],
                        $"stack size of subprog {f} is {frame}. Too large: one function's frame may use at most {StackState.Size} bytes",
                        "move large buffers into a per-CPU array map");
            }
            else total += frame;
            if (total > StackState.Size)
                throw new VerifierError(RejectionReason.StackTooDeep, _layout.FunctionStarts[f],
                    $"combined stack size of {chain.Count} calls is {total}. Too large: the frames of one call chain may use at most {StackState.Size} bytes",
                    "move large buffers into a per-CPU array map, or call fewer functions with big stack frames from one another");
            if (chain.Count <= MaxFrames)
                foreach (int callee in callees[f].Distinct())
                    if (!chain.Contains(callee)) Visit(callee, total);
            chain.RemoveAt(chain.Count - 1);
        }
        Visit(0, 0);
    }
}
