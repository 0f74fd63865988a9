using Ebpf.Helpers;
using Ebpf.Maps;

namespace Ebpf.Verifier;

internal sealed partial class ProgramWalker
{
    /// <summary>What the arguments of one helper call established so far: the map, the released reference, the callback.</summary>
    private sealed class HelperCallState(string name)
    {
        public string Name { get; } = name;
        public int? Map { get; set; }
        public int? Released { get; set; }
        public int? Callback { get; set; }
        public ulong ConstantSize { get; set; }
    }

    private void CheckArgument(VerifierState state, int pc, HelperCallState call, HelperPrototype prototype, int index)
    {
        var kinds = prototype.Arguments;
        int register = index + 1;
        var kind = kinds[index];
        if (kind is HelperArgumentKind.Size or HelperArgumentKind.SizeOrZero) return; // checked with its memory argument
        var value = Read(state, register, pc);
        string helper = $"bpf_{call.Name}";
        if (value.IsPacketLike && !prototype.AcceptsPacketPointers && kind is not HelperArgumentKind.Anything)
            throw new VerifierError(RejectionReason.HelperArgument, pc, $"helper access to the packet is not allowed: {helper} does not take packet pointers",
                "copy the bytes to the stack first, or use a helper that reads the packet (bpf_xdp_load_bytes, bpf_skb_load_bytes)", register);
        VerifierError Wrong(string expected, string? hint = null) => new(RejectionReason.HelperArgument, pc,
            $"R{register} type={RegisterState.KindName(value.Kind)} expected={expected}: argument {register} of {helper} must be {expected}", hint, register);

        switch (kind)
        {
            case HelperArgumentKind.Anything:
                if (_options.Unprivileged && value.IsPointer)
                    throw new VerifierError(RejectionReason.PointerLeak, pc, $"R{register} leaks addr into helper function {helper}", null, register);
                return;
            case HelperArgumentKind.MapPointer:
                if (value.Kind != RegisterKind.MapPointer) throw Wrong("map_ptr", "pass a map loaded with lddw (&map_name in C)");
                call.Map = value.MapIndex;
                return;
            case HelperArgumentKind.Context:
                if (value.Kind != RegisterKind.Context) throw Wrong("ctx", "pass the program's context pointer (its first argument)");
                if (value.Offset != 0 || !value.Bounds.IsZero)
                    throw new VerifierError(RejectionReason.HelperArgument, pc, $"dereference of modified ctx ptr R{register} off={value.Offset} disallowed: {helper} needs the context itself", null, register);
                return;
            case HelperArgumentKind.MapKey or HelperArgumentKind.MapValue or HelperArgumentKind.WritableMapValue:
            {
                if (call.Map is not int map) throw Wrong("map_ptr");
                var spec = _maps[map];
                int size = (int)(kind == HelperArgumentKind.MapKey ? spec.KeySize : spec.ValueSize);
                CheckMemoryArgument(state, pc, register, value, (ulong)size, write: kind == HelperArgumentKind.WritableMapValue, helper,
                    kind == HelperArgumentKind.MapKey ? $"key of '{spec.Name}'" : $"value of '{spec.Name}'");
                return;
            }
            case HelperArgumentKind.ReadableMemory or HelperArgumentKind.WritableMemory:
            {
                bool zeroAllowed = index + 1 < kinds.Count && kinds[index + 1] == HelperArgumentKind.SizeOrZero;
                var size = Read(state, register + 1, pc);
                if (!size.IsScalar)
                    throw new VerifierError(RejectionReason.HelperArgument, pc, $"R{register + 1} type={RegisterState.KindName(size.Kind)} expected=scalar: the size of {helper}'s memory argument must be a number", null, register + 1);
                var b = size.Bounds;
                if (b.SMin < 0)
                    throw new VerifierError(RejectionReason.HelperMemoryArgument, pc, $"R{register + 1} min value is negative, either use unsigned or 'var &= const'", null, register + 1);
                if (b.UMin == 0 && !zeroAllowed)
                    throw new VerifierError(RejectionReason.HelperMemoryArgument, pc, $"R{register + 1} invalid zero-sized read: u64=[{b.UMin},{b.UMax}]",
                        "make sure the size is at least 1, e.g. if (len == 0) return ...;", register + 1);
                if (b.UMax >= MaxVariableSize)
                    throw new VerifierError(RejectionReason.HelperMemoryArgument, pc, $"R{register + 1} unbounded memory access, use 'var &= const' or 'if (var < const)'",
                        "bound the size by a constant before the call", register + 1);
                if (b.UMax == 0 && value.IsScalar && value.Bounds.IsZero) return;
                CheckMemoryArgument(state, pc, register, value, b.UMax, kind == HelperArgumentKind.WritableMemory, helper, "buffer");
                return;
            }
            case HelperArgumentKind.RingBufferRecord:
                if (value.Kind != RegisterKind.RingBufferRecord)
                    throw new VerifierError(value.Kind == RegisterKind.RingBufferRecordOrNull ? RejectionReason.PossiblyNullPointer : RejectionReason.InvalidRelease, pc,
                        $"R{register} type={RegisterState.KindName(value.Kind)} expected=ringbuf_mem: {helper} releases a record from bpf_ringbuf_reserve()",
                        value.Kind == RegisterKind.RingBufferRecordOrNull ? "check the record against NULL before submitting or discarding it" : null, register);
                if (value.Offset != 0 || !value.Bounds.IsZero)
                    throw new VerifierError(RejectionReason.InvalidRelease, pc, $"R{register} must have zero offset when passed to release func {helper}", "pass the pointer bpf_ringbuf_reserve() returned, unmodified", register);
                if (!state.References.Exists(r => r.Id == value.ReferenceId))
                    throw new VerifierError(RejectionReason.InvalidRelease, pc, $"R{register} release of an unacquired reference id={value.ReferenceId}", null, register);
                call.Released = value.ReferenceId;
                return;
            case HelperArgumentKind.Callback:
                if (value.Kind != RegisterKind.Function) throw Wrong("func", "pass a static function's address");
                call.Callback = value.MapIndex;
                return;
            case HelperArgumentKind.StackOrNull:
                if (value.Kind != RegisterKind.Stack && !(value.IsScalar && value.Bounds.IsZero)) throw Wrong("fp or NULL");
                return;
            case HelperArgumentKind.ConstantSize:
                if (!value.IsScalar || !value.Bounds.IsConstant)
                    throw new VerifierError(RejectionReason.HelperArgument, pc, $"R{register} is not a known constant: {helper} needs a constant size", "pass a constant (sizeof(struct event))", register);
                call.ConstantSize = value.Bounds.ConstantValue;
                return;
        }
    }

    /// <summary>Checks that [pointer, pointer + maxSize) may be read (initialised) or written by a helper.</summary>
    private void CheckMemoryArgument(VerifierState state, int pc, int register, RegisterState pointer, ulong maxSize, bool write, string helper, string what)
    {
        int size = (int)maxSize;
        if (size == 0) return;
        switch (pointer.Kind)
        {
            case RegisterKind.Stack:
            {
                var frame = state.Frames[pointer.Frame];
                var variable = pointer.Bounds;
                long low = pointer.Offset + variable.SMin, high = pointer.Offset + variable.SMax + size;
                if (low < -StackState.Size || high > 0)
                    throw new VerifierError(RejectionReason.StackOutOfBounds, pc,
                        $"invalid indirect access to stack R{register} off={pointer.Offset} size={size}: {helper}'s {what} runs outside r10-512..r10-1", null, register);
                int function = _layout.FunctionOf(frame.FunctionStart);
                _stackDepth[function] = Math.Max(_stackDepth[function], (int)-low);
                if (write)
                {
                    for (long at = low; at < high; at++)
                        if (frame.Stack.ByteAt((int)at) == StackByte.Spill && frame.Stack.SpillAt((int)at).Register.IsPointer && _options.Unprivileged)
                            throw new VerifierError(RejectionReason.PointerLeak, pc, $"{helper} would overwrite a spilled pointer at fp{at}", null, register);
                    if (variable.IsConstant) frame.Stack.Write((int)low, (int)(high - low), zero: false);
                    else frame.Stack.WriteMaybe((int)low, (int)(high - low));
                    return;
                }
                if (_options.Unprivileged)
                    for (long at = low; at < high; at++)
                        if (frame.Stack.ByteAt((int)at) == StackByte.Invalid)
                            throw new VerifierError(RejectionReason.UninitializedStack, pc,
                                $"invalid indirect read from stack R{register} off {at} size {size}: {helper}'s {what} includes uninitialised bytes",
                                "initialise the whole buffer before passing it (e.g. = {} or __builtin_memset)", register);
                return;
            }
            case RegisterKind.MapValue:
            {
                var map = _maps[pointer.MapIndex];
                try { SizedAccess(pc, register, pointer, 0, size, (int)map.ValueSize, $"map value of '{map.Name}'", write ? "write" : "read"); }
                catch (VerifierError e) { throw new VerifierError(RejectionReason.HelperMemoryArgument, pc, $"{helper}'s {what}: {e.Problem}", e.Hint, register); }
                return;
            }
            case RegisterKind.MapKey:
            {
                var map = _maps[pointer.MapIndex];
                if (write)
                    throw new VerifierError(RejectionReason.HelperMemoryArgument, pc, $"R{register} cannot write into map_key: {helper}'s {what} would change the read-only key of '{map.Name}'",
                        "copy the key to the stack and pass that", register);
                try { SizedAccess(pc, register, pointer, 0, size, (int)map.KeySize, $"map key of '{map.Name}'", "read"); }
                catch (VerifierError e) { throw new VerifierError(RejectionReason.HelperMemoryArgument, pc, $"{helper}'s {what}: {e.Problem}", e.Hint, register); }
                return;
            }
            case RegisterKind.RingBufferRecord:
                try { SizedAccess(pc, register, pointer, 0, size, pointer.Frame, "ring-buffer record", write ? "write" : "read"); }
                catch (VerifierError e) { throw new VerifierError(RejectionReason.HelperMemoryArgument, pc, $"{helper}'s {what}: {e.Problem}", e.Hint, register); }
                return;
            case RegisterKind.Packet or RegisterKind.PacketMeta:
                try { PacketAccess(pc, register, pointer, 0, size, write ? Access.Write : Access.Read, null); }
                catch (VerifierError e) { throw new VerifierError(e.Reason == RejectionReason.PacketOutOfRange ? RejectionReason.HelperMemoryArgument : e.Reason, pc, $"{helper}'s {what}: {e.Problem}", e.Hint, register); }
                return;
            case RegisterKind.MapValueOrNull or RegisterKind.RingBufferRecordOrNull:
                throw new VerifierError(RejectionReason.PossiblyNullPointer, pc, $"R{register} type={RegisterState.KindName(pointer.Kind)} expected=fp, pkt, map_value, mem: it may be NULL",
                    "null-check the pointer before passing it", register);
            default:
                throw new VerifierError(RejectionReason.HelperArgument, pc,
                    $"R{register} type={RegisterState.KindName(pointer.Kind)} expected=fp, pkt, pkt_meta, map_key, map_value, ringbuf_mem: {helper}'s {what} must point to memory", null, register);
        }
    }

    /// <summary>
    /// Enters the callback of a bpf_loop or bpf_for_each_map_elem call at <paramref name="callSite"/> (the kernel's
    /// push_callback_call); returns -1 when bpf_loop's count allows no further iteration on this path.
    /// </summary>
    private int EnterCallback(VerifierState state, int callSite, int callback)
    {
        bool isLoop = _layout.Slots[callSite].Immediate == LoopHelper;
        if (isLoop && !HasIterationLeft(state)) return -1;
        int iteration = (int)Math.Min(++state.Current.CallbackDepth, int.MaxValue);
        var caller = state.Registers;
        int start = EnterFunction(state, callSite, callback, isCallback: true, iteration: iteration);
        var callee = state.Registers;
        if (!isLoop)
        {
            // The kernel's set_map_elem_callback_state: (map, key, value, ctx); r5 is not set.
            int map = caller[1].MapIndex;
            callee[1] = caller[1];
            callee[2] = RegisterState.Pointer(RegisterKind.MapKey) with { MapIndex = map };
            callee[3] = RegisterState.Pointer(RegisterKind.MapValue) with { MapIndex = map };
            callee[4] = caller[3];
            callee[5] = RegisterState.NotInitialized;
            return start;
        }
        // The kernel's set_loop_callback_state: (index, ctx).
        callee[1] = RegisterState.UnknownScalar;
        callee[2] = caller[3];
        for (int r = 3; r <= 5; r++) callee[r] = RegisterState.NotInitialized;
        return start;
    }

    /// <summary>
    /// After a callback iteration the path goes back to the helper call (the kernel's prepare_func_exit), which may end
    /// the loop or run the callback again; the checkpoint there stops iterations that an earlier one covers. Scalars
    /// that changed since the iteration that began at the open checkpoint of this call become unknown
    /// (widen_imprecise_scalars), except the precise ones: those the caller needs exactly once the loop ends, which it
    /// explored first (the zero-iteration path) — a counter compared with a constant there counts on, and such a loop
    /// converges only when the counts repeat.
    /// </summary>
    private int ReturnFromCallback(PendingPath path, int callSite)
    {
        var state = path.State;
        if (PreviousEntry(path, callSite) is { } earlier)
        {
            int after = Math.Min(callSite + 1, _layout.PreciseRegisters.Length - 1);
            state.WidenAgainst(earlier, _layout.PreciseRegisters[after], _layout.PreciseSlots[after]);
        }
        return callSite;
    }

    /// <summary>The kernel's find_prev_entry: the latest checkpoint at <paramref name="callSite"/> on this path, in the same frames.</summary>
    private static VerifierState? PreviousEntry(PendingPath path, int callSite)
    {
        for (var c = path.Checkpoint; c is not null; c = c.Parent)
            if (c.Pc == callSite && SameCallSites(c.Snapshot, path.State)) return c.Snapshot;
        return null;
    }

    private static bool SameCallSites(VerifierState a, VerifierState b)
    {
        if (a.Frames.Count != b.Frames.Count) return false;
        for (int f = 0; f < a.Frames.Count; f++)
            if (a.Frames[f].CallSite != b.Frames[f].CallSite) return false;
        return true;
    }

    /// <summary>
    /// The kernel's bound on bpf_loop (since 6.8): a path enters the callback at most as many times in a row as the
    /// loop count (r1) may be at most; the iteration after the last one only ends the loop.
    /// </summary>
    private static bool HasIterationLeft(VerifierState state)
    {
        var count = state.Registers[1];
        return !count.IsScalar || state.Current.CallbackDepth < count.Bounds.UMax;
    }

    /// <summary>
    /// bpf_for_each_map_elem works only on maps with a <c>map_for_each_callback</c> in the kernel, and one call site must
    /// always pass the same map (the kernel keeps one map per instruction to type the callback's key and value).
    /// </summary>
    private void CheckForEachMap(int pc, int mapIndex)
    {
        var map = _maps[mapIndex];
        if (map.Type is not (MapType.Hash or MapType.LruHash or MapType.PerCpuHash or MapType.LruPerCpuHash or MapType.Array or MapType.PerCpuArray))
            throw new VerifierError(RejectionReason.HelperArgument, pc,
                $"callback function not allowed for map: bpf_for_each_map_elem cannot walk '{map.Name}' of type {map.Type}",
                "walk a hash, LRU hash, array, per-CPU hash or per-CPU array map", 1);
        if (_forEachMaps.TryGetValue(pc, out int earlier) && earlier != mapIndex)
            throw new VerifierError(RejectionReason.HelperArgument, pc,
                $"tail_call abusing map_ptr: this bpf_for_each_map_elem call walks '{_maps[earlier].Name}' on one path and '{map.Name}' on another",
                "call bpf_for_each_map_elem once per map, each call with its own constant map", 1);
        _forEachMaps[pc] = mapIndex;
    }
}
