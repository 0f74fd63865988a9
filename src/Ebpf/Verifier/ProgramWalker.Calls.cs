using Ebpf.Helpers;
using Ebpf.Helpers.Linux;
using Ebpf.Isa;
using Ebpf.Maps;

namespace Ebpf.Verifier;

internal sealed partial class ProgramWalker
{
    /// <summary>The scalar id the raw type gives its length register r2, so that comparisons of it prove the region's size.</summary>
    public const int RawLengthId = -1;

    /// <summary>The kernel's BPF_MAX_VAR_SIZ: memory arguments must be smaller than 2^29 bytes.</summary>
    private const ulong MaxVariableSize = 1UL << 29;

    /// <summary>The id of bpf_for_each_map_elem, whose callback gets the map, a key, a value and the context.</summary>
    private const int ForEachMapElementHelper = ProgramLayout.ForEachMapElementHelper;

    /// <summary>The id of bpf_loop, whose callback runs at most r1 times.</summary>
    private const int LoopHelper = ProgramLayout.LoopHelper;

    private int LocalCall(VerifierState state, Instruction insn, int pc)
    {
        int target = ProgramLayout.TargetOf(insn, pc);
        return EnterFunction(state, pc, target, isCallback: false);
    }

    private int EnterFunction(VerifierState state, int callSite, int target, bool isCallback, int iteration = 0)
    {
        if (state.Frames.Count >= MaxFrames)
            throw new VerifierError(RejectionReason.StackTooDeep, callSite, $"the call stack of {state.Frames.Count + 1} frames is too deep: at most {MaxFrames} functions may be active at once",
                "call fewer functions from one another, or mark small ones __always_inline");
        var caller = state.Current;
        var callee = new FrameState(callSite, target, state.Frames.Count) { IsCallback = isCallback, Iteration = iteration };
        for (int r = 1; r <= 5; r++) callee.Registers[r] = caller.Registers[r];
        state.Frames.Add(callee);
        return target;
    }

    private int Exit(PendingPath path, int pc)
    {
        var state = path.State;
        var frame = state.Current;
        var r0 = state.Registers[0];
        if (r0.Kind == RegisterKind.NotInitialized && (state.Frames.Count == 1 || frame.IsCallback))
            throw new VerifierError(RejectionReason.InvalidReturnValue, pc, "R0 !read_ok: the program returns without setting r0", "set r0 (the return value) on every path before exit", 0);
        if (state.Frames.Count > 1)
        {
            if (r0.Kind == RegisterKind.Stack && r0.Frame == state.FrameNumber)
                throw new VerifierError(RejectionReason.InvalidReturnValue, pc, "cannot return stack pointer to the caller frame: the callee's stack ends when it returns", null, 0);
            if (frame.IsCallback)
            {
                if (!r0.IsScalar || r0.Bounds.SMin < 0 || r0.Bounds.SMax > 1)
                    throw new VerifierError(RejectionReason.InvalidReturnValue, pc, $"At callback return the register R0 has {r0} should have been in [0, 1]",
                        "a bpf_loop or bpf_for_each_map_elem callback returns 0 to continue or 1 to stop", 0);
                state.Frames.RemoveAt(state.Frames.Count - 1);
                return ReturnFromCallback(path, frame.CallSite);
            }
            state.Frames.RemoveAt(state.Frames.Count - 1);
            var caller = state.Registers;
            for (int r = 1; r <= 5; r++) caller[r] = RegisterState.NotInitialized;
            caller[0] = r0;
            return frame.CallSite + 1;
        }
        if (_options.Unprivileged && r0.IsPointer)
            throw new VerifierError(RejectionReason.PointerLeak, pc, "R0 leaks addr as return value", "return a number", 0);
        if (_rules.ReturnRange is var (min, max))
        {
            if (!r0.IsScalar || r0.Bounds.SMin < min || r0.Bounds.SMax > max)
                throw new VerifierError(RejectionReason.InvalidReturnValue, pc,
                    $"At program exit the register R0 has {r0} should have been in [{min}, {max}]",
                    $"{_rules.Name} programs must return a value from {min} to {max}", 0);
        }
        if (state.References.Count > 0)
        {
            var leaked = state.References[0];
            throw new VerifierError(RejectionReason.UnreleasedReference, pc,
                $"Unreleased reference id={leaked.Id} alloc_insn={leaked.Instruction}: the ring-buffer record reserved at instruction {leaked.Instruction} is neither submitted nor discarded on this path",
                "call bpf_ringbuf_submit() or bpf_ringbuf_discard() on the record on every path after a successful bpf_ringbuf_reserve()");
        }
        return -1;
    }

    private int HelperCall(PendingPath path, Instruction insn, int pc)
    {
        var state = path.State;
        int id = insn.Immediate;
        HelperPrototype? prototype = null;
        string name = LinuxHelperPrototypes.NameOf(id) ?? $"unknown#{id}";
        bool hostHelper = false;
        if (_options.Helpers is { } table && table.TryGet(id, out var descriptor))
        {
            prototype = descriptor.Prototype;
            name = descriptor.Name;
            hostHelper = descriptor.Prototype is not null;
        }
        prototype ??= LinuxHelperPrototypes.Find(id);
        if (prototype is null)
            throw new VerifierError(RejectionReason.UnknownHelper, pc, $"invalid func {name}: helper {id} has no known prototype",
                "call only helpers the kernel defines (see bpf_helper_defs.h), or register a host helper with a HelperPrototype");
        if (!hostHelper && !_rules.AllowsHelper(id) && !(_rules.IsRaw && _options.Helpers is not null))
            throw new VerifierError(RejectionReason.HelperNotAllowed, pc, $"program of this type cannot use helper bpf_{name}#{id}: {_rules.Name} programs may not call it");
        if (prototype.GplOnly && !_gplCompatible)
            throw new VerifierError(RejectionReason.HelperNotAllowed, pc, $"cannot call GPL-restricted function bpf_{name} from non-GPL compatible program",
                "declare a GPL-compatible license: char LICENSE[] SEC(\"license\") = \"GPL\";");

        var call = new HelperCallState(name);
        for (int i = 0; i < prototype.Arguments.Count; i++)
            CheckArgument(state, pc, call, prototype, i);

        if (id == 12 && state.References.Count > 0)
            throw new VerifierError(RejectionReason.UnreleasedReference, pc, "tail_call would lead to reference leak: a reserved ring-buffer record is still held",
                "submit or discard the record before bpf_tail_call()");
        if (call.Map is { } mapIndex) CheckMapCompatibility(pc, id, name, mapIndex);
        if (call.Released is { } released) Release(state, released);
        if (prototype.ChangesPacketData)
            state.UpdateAll(r => r.Kind is RegisterKind.Packet or RegisterKind.PacketEnd or RegisterKind.PacketMeta ? RegisterState.UnknownScalar : null);

        var regs = state.Registers;
        var callbackState = call.Callback is not null ? state.Clone() : null;
        for (int r = 1; r <= 5; r++) regs[r] = RegisterState.NotInitialized;
        regs[0] = prototype.Return switch
        {
            HelperReturnKind.Void => RegisterState.NotInitialized,
            HelperReturnKind.MapValueOrNull => MapLookupResult(call.Map!.Value),
            HelperReturnKind.RingBufferRecordOrNull => Reserve(state, pc, call),
            _ => RegisterState.UnknownScalar,
        };
        if (call.Callback is int callback && callbackState is not null)
        {
            // bpf_loop, bpf_for_each_map_elem: zero iterations (or an empty map) continue now; the callback's first
            // iteration starts from the state at the call.
            var entered = callbackState;
            int start = EnterCallback(entered, pc, callback);
            if (start >= 0) Fork(path, entered, start);
            state.Current.CallbackDepth = 0;
        }
        return pc + 1;
    }

    private RegisterState MapLookupResult(int mapIndex)
    {
        var map = _maps[mapIndex];
        if (map.Type is MapType.ArrayOfMaps or MapType.HashOfMaps && map.InnerMap is not null)
            return RegisterState.Pointer(RegisterKind.MapPointerOrNull) with { MapIndex = InnerMapIndex(mapIndex), Id = NewId() };
        return RegisterState.Pointer(RegisterKind.MapValueOrNull) with { MapIndex = mapIndex, Id = NewId() };
    }

    /// <summary>Inner-map templates live after the program's maps in <see cref="_maps"/>: index = count + outer index.</summary>
    private int InnerMapIndex(int outer) => _innerMapBase + outer;

    private RegisterState Reserve(VerifierState state, int pc, HelperCallState call)
    {
        int reference = NewId();
        state.References.Add(new AcquiredReference(reference, pc));
        return RegisterState.Pointer(RegisterKind.RingBufferRecordOrNull) with { Id = reference, ReferenceId = reference, Frame = (int)call.ConstantSize };
    }

    private static void Release(VerifierState state, int reference)
    {
        state.References.RemoveAll(r => r.Id == reference);
        state.UpdateAll(r => r.ReferenceId == reference && r.IsPointer ? RegisterState.UnknownScalar : null);
    }

    private void CheckMapCompatibility(int pc, int helper, string name, int mapIndex)
    {
        var type = _maps[mapIndex].Type;
        if (helper == ForEachMapElementHelper)
        {
            CheckForEachMap(pc, mapIndex);
            return;
        }
        bool ok = type switch
        {
            MapType.RingBuffer => helper is 130 or 131 or 132 or 133 or 134,
            MapType.ProgramArray => helper == 12,
            MapType.Queue or MapType.Stack => helper is 87 or 88 or 89,
            MapType.PerfEventArray => helper is 22 or 25 or 55,
            MapType.BloomFilter => helper is 87 or 89,
            _ => helper is not (130 or 131 or 134 or 12 or 87 or 88 or 89 or 22 or 25),
        };
        if (!ok)
            throw new VerifierError(RejectionReason.HelperArgument, pc, $"cannot pass map_type {(int)type} ({type}) into func bpf_{name}#{helper}",
                "pass a map of the kind this helper works on");
    }
}
