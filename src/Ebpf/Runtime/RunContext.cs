namespace Ebpf.Runtime;

/// <summary>
/// Everything one run of a program sees besides its code: the argument registers r1–r5, the memory regions it
/// may touch, the packet for legacy packet loads, and state for helpers. The caller keeps every region's memory
/// alive and pinned until the run ends. A context may be reused for consecutive runs on one thread.
/// </summary>
/// <remarks>
/// Regions are kept as plain bounds (no object references) so that preparing a run and checking an access cost no
/// garbage-collector write barriers; their names are only read when a fault is described.
/// </remarks>
public sealed class RunContext
{
    private RegionBounds[] _bounds = new RegionBounds[4];
    private string[] _names = new string[4];
    private int _regionCount;
    private RegionBounds _packet;
    private ulong _r1, _r2, _r3, _r4, _r5;

    /// <summary>The value of r1 at entry (by convention the context or memory pointer).</summary>
    public ulong R1 { get => _r1; set => _r1 = value; }

    /// <summary>The value of r2 at entry.</summary>
    public ulong R2 { get => _r2; set => _r2 = value; }

    /// <summary>The value of r3 at entry.</summary>
    public ulong R3 { get => _r3; set => _r3 = value; }

    /// <summary>The value of r4 at entry.</summary>
    public ulong R4 { get => _r4; set => _r4 = value; }

    /// <summary>The value of r5 at entry.</summary>
    public ulong R5 { get => _r5; set => _r5 = value; }

    /// <summary>The packet that legacy <c>BPF_ABS</c>/<c>BPF_IND</c> loads read, or an empty region.</summary>
    public MemoryRegion Packet
    {
        get => new(_packet.Start, _packet.Length, _packet.Writable, "packet");
        set => _packet = new RegionBounds(value.Start, value.Length, value.Writable);
    }

    /// <summary>Host state for helpers (for instance the program's maps); engines ignore it.</summary>
    public object? HostState { get; set; }

    /// <summary>
    /// Where <c>bpf_trace_printk</c> writes its lines (the kernel's trace pipe): each call gives the formatted message
    /// exactly as the kernel formats it (a trailing newline is the program's). Null discards them. Kept by <see cref="Clear"/>.
    /// </summary>
    public Action<string>? TraceSink { get; set; }

    /// <summary>The task the <c>bpf_get_current_*</c> helpers report; null means the host thread running the program. Kept by <see cref="Clear"/>.</summary>
    public TaskIdentity? Task { get; set; }

    /// <summary>Read-only memory offered to <c>bpf_probe_read_*</c> beyond the run's regions (null: none). Kept by <see cref="Clear"/>.</summary>
    public ProbeMemory? ProbeMemory { get; set; }

    /// <summary>The processor slot of the thread running the program (per-CPU maps and <c>bpf_get_smp_processor_id</c> use it).</summary>
    public int ProcessorSlot { get; set; }

    /// <summary>The number of instructions the last run executed (set when the run ends, normally or by a fault).</summary>
    public long InstructionsExecuted { get; internal set; }

    /// <summary>The instruction being executed, for helpers that report faults.</summary>
    public int CurrentInstruction { get; internal set; }

    /// <summary>The number of regions added so far (the engine adds the stack on its own).</summary>
    public int RegionCount => _regionCount;

    /// <summary>The regions added so far, with their names (allocates; for diagnostics).</summary>
    public IReadOnlyList<MemoryRegion> Regions
    {
        get
        {
            var regions = new MemoryRegion[_regionCount];
            for (int i = 0; i < _regionCount; i++) regions[i] = RegionAt(i);
            return regions;
        }
    }

    /// <summary>Allows the run to access <paramref name="length"/> bytes at <paramref name="start"/>.</summary>
    public void AddRegion(nint start, long length, bool writable, string name) =>
        AddRegion((ulong)start, (ulong)length, writable, name);

    /// <summary>Allows the run to access a region.</summary>
    public void AddRegion(MemoryRegion region) => AddRegion(region.Start, region.Length, region.Writable, region.Name);

    private void AddRegion(ulong start, ulong length, bool writable, string name)
    {
        if (length == 0) return;
        if (_regionCount == _bounds.Length)
        {
            Array.Resize(ref _bounds, _regionCount * 2);
            Array.Resize(ref _names, _regionCount * 2);
        }
        _bounds[_regionCount] = new RegionBounds(start, length, writable);
        // Names repeat from run to run; skipping an identical store avoids a write barrier per run.
        if (!ReferenceEquals(_names[_regionCount], name)) _names[_regionCount] = name;
        _regionCount++;
    }

    /// <summary>Removes every region and resets registers and packet, for reuse.</summary>
    public void Clear()
    {
        _regionCount = 0;
        _r1 = _r2 = _r3 = _r4 = _r5 = 0;
        _packet = default;
        _contextAddress = 0;
        TailCallCount = 0;
        PendingTailCall = null;
        if (HostState is not null) HostState = null;
        InstructionsExecuted = 0;
    }

    /// <summary>
    /// Resets the context for a run on one block of memory, the way <c>ebpf exec</c> and the conformance suite run
    /// programs: the memory is the only region and the packet, r1 points to it (0 when empty), r2 is its length.
    /// </summary>
    public void ResetForMemory(nint start, int length)
    {
        Clear();
        AddRegion((ulong)start, (ulong)length, true, "memory");
        _packet = new RegionBounds((ulong)start, (ulong)length, true);
        _r1 = length == 0 ? 0 : (ulong)start;
        _r2 = (ulong)length;
    }

    /// <summary>
    /// Finds the region that holds <paramref name="size"/> bytes at <paramref name="address"/> with the needed access,
    /// or returns false. Helpers use it to check pointer arguments before they touch memory.
    /// </summary>
    public bool TryFindRegion(ulong address, ulong size, bool write, out MemoryRegion region)
    {
        int index = IndexOf(address, size, write);
        region = index < 0 ? default : RegionAt(index);
        return index >= 0;
    }

    /// <summary>
    /// Whether <paramref name="size"/> bytes at <paramref name="address"/> lie in one region that allows the access:
    /// one added to this context, or the value memory of the running program's maps.
    /// </summary>
    public bool Allows(ulong address, ulong size, bool write) =>
        IndexOf(address, size, write) >= 0 || ProgramMaps.Allows(address, size, write);

    private ulong _contextAddress;
    private readonly ulong[] _contextPointers = new ulong[MaxContextPointers];

    /// <summary>The most pointer fields a context may have.</summary>
    public const int MaxContextPointers = 4;

    /// <summary>The address of the program's context (r1 at entry for packet and tracing programs).</summary>
    public ulong ContextAddress { get => _contextAddress; set => _contextAddress = value; }

    /// <summary>
    /// Sets the 64-bit host pointer a 4-byte load of the <paramref name="index"/>-th field of
    /// <see cref="ExecutionOptions.ContextPointerFields"/> gives (packet start, end, meta).
    /// </summary>
    public void SetContextPointer(int index, ulong value) => _contextPointers[index] = value;

    /// <summary>The pointer a context pointer field holds now.</summary>
    public ulong GetContextPointer(int index) => _contextPointers[index];

    /// <summary>
    /// A 4-byte load the engine marked as possibly reading a context pointer field: from the context at that field
    /// it gives the host pointer; from anywhere else it is an ordinary load (returns false).
    /// </summary>
    internal bool TryLoadContextPointer(ulong address, int fieldOffset, int fieldIndex, out ulong value)
    {
        value = _contextPointers[fieldIndex];
        return _contextAddress != 0 && address == _contextAddress + (ulong)fieldOffset;
    }

    /// <summary>MAX_TAIL_CALL_CNT: the most tail calls one run may make.</summary>
    public const int MaxTailCalls = 33;

    /// <summary>The program a <c>bpf_tail_call</c> asked to continue with; the engine ends the current program and runs it.</summary>
    internal IExecutableProgram? PendingTailCall { get; set; }

    /// <summary>How many tail calls this run has made.</summary>
    public int TailCallCount { get; internal set; }

    /// <summary>
    /// Asks the engine to end the running program and continue with <paramref name="target"/>, with r1 =
    /// <paramref name="context"/> (what <c>bpf_tail_call</c> does). Returns false, changing nothing, when the run
    /// has made <see cref="MaxTailCalls"/> tail calls already.
    /// </summary>
    public bool RequestTailCall(IExecutableProgram target, ulong context)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (TailCallCount >= MaxTailCalls) return false;
        TailCallCount++;
        PendingTailCall = target;
        _r1 = context;
        return true;
    }

    /// <summary>
    /// Runs the tail calls a program requested until one ends without requesting another (each engine's
    /// <see cref="IExecutableProgram.Run"/> ends by calling this).
    /// </summary>
    internal ulong FinishTailCalls(ulong r0)
    {
        while (PendingTailCall is { } next)
        {
            PendingTailCall = null;
            r0 = next.Run(this);
        }
        return r0;
    }

    /// <summary>
    /// The engine running a program that holds function references (null for other programs), through which
    /// <see cref="CallFunction"/> calls back into it.
    /// </summary>
    internal CallbackHost? Callbacks { get; set; }

    /// <summary>The JIT's per-run state, when the running compiled program holds function references.</summary>
    internal Jit.JitContext? JitState { get; set; }

    /// <summary>The frame depth of the function that made the current helper call (0 for the entry function).</summary>
    internal int CallDepth { get; set; }

    /// <summary>
    /// Calls a function of the running program from inside a helper, as <c>bpf_loop</c> and
    /// <c>bpf_for_each_map_elem</c> call their callbacks: <paramref name="function"/> is the value a <c>lddw</c> with
    /// source 4 loaded (see <see cref="FunctionReference"/>). The function runs in a new frame below the helper's
    /// caller (its own zeroed 512-byte stack, r1–r5 the arguments, r6–r9 of the caller untouched) and returns its r0.
    /// Faults, an exhausted budget or too deep nesting inside it end the whole run.
    /// </summary>
    /// <exception cref="ProgramFaultException">
    /// <paramref name="function"/> is not a function of the running program, or the callback faulted.
    /// </exception>
    public ulong CallFunction(ulong function, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (!FunctionReference.TryDecode(function, out int start) || Callbacks is not { } host || !host.IsFunction(start))
            throw new ProgramFaultException(new ProgramFault(FaultKind.HelperError, CurrentInstruction, function, 0,
                $"a helper was given 0x{function:x} as a callback, which is no function of the running program; pass a function reference (lddw src=4, `r2 = func(label) ll`)"));
        int helperInstruction = CurrentInstruction;
        int depth = CallDepth;
        ulong r0 = host.Call(this, start, r1, r2, r3, r4, r5);
        // Helper calls inside the callback moved these; the helper that called back carries on with its own.
        CurrentInstruction = helperInstruction;
        CallDepth = depth;
        return r0;
    }

    /// <summary>Removes the region added last (helpers that lend a program memory for the length of a callback).</summary>
    internal void RemoveLastRegion()
    {
        if (_regionCount > 0) _regionCount--;
    }

    /// <summary>The maps of the running program (set by the engine for each run).</summary>
    internal ProgramMaps ProgramMaps { get; set; } = ProgramMaps.None;

    /// <summary>
    /// The memory a helper may read or write through a pointer argument, after checking that it lies inside one
    /// region of the run. Throws a <see cref="ProgramFaultException"/> (kind <see cref="FaultKind.HelperError"/>) otherwise.
    /// </summary>
    public unsafe Span<byte> GetMemory(ulong address, int length, bool write)
    {
        if (length < 0 || !Allows(address, (ulong)length, write) && !StackContains(address, (ulong)length))
            throw new ProgramFaultException(new ProgramFault(FaultKind.HelperError, CurrentInstruction, address, length,
                $"a helper was given {length} bytes at 0x{address:x}, which is not {(write ? "writable " : "")}memory of this run"));
        return new Span<byte>((void*)address, length);
    }

    /// <summary>Whether a helper may read <paramref name="size"/> bytes at <paramref name="address"/>: a region of the run, a map value, or the stack.</summary>
    internal bool CanRead(ulong address, ulong size) => Allows(address, size, write: false) || StackContains(address, size);

    internal ulong StackLow { get; set; }

    internal ulong StackHigh { get; set; }

    /// <summary>The bounds of the first region, which compiled code checks inline.</summary>
    internal bool TryGetFirstRegion(out ulong start, out ulong length, out bool writable)
    {
        var first = _regionCount > 0 ? _bounds[0] : default;
        (start, length, writable) = (first.Start, first.Length, first.Writable);
        return _regionCount > 0;
    }

    internal ulong PacketStart => _packet.Start;

    internal ulong PacketLength => _packet.Length;

    private int IndexOf(ulong address, ulong size, bool write)
    {
        var bounds = _bounds;
        for (int i = 0; i < _regionCount; i++)
        {
            ref readonly var candidate = ref bounds[i];
            if (address >= candidate.Start && size <= candidate.Length && address - candidate.Start <= candidate.Length - size
                && (!write || candidate.Writable))
                return i;
        }
        return -1;
    }

    private MemoryRegion RegionAt(int index) =>
        new(_bounds[index].Start, _bounds[index].Length, _bounds[index].Writable, _names[index]);

    private bool StackContains(ulong address, ulong size) =>
        address >= StackLow && size <= StackHigh - StackLow && address - StackLow <= StackHigh - StackLow - size;

    private readonly record struct RegionBounds(ulong Start, ulong Length, bool Writable);
}
