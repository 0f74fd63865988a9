namespace Ebpf.Runtime;

/// <summary>
/// Everything one run of a program sees besides its code: the argument registers r1–r5, the memory regions it
/// may touch, the packet for legacy packet loads, and state for helpers. The caller keeps every region's memory
/// alive and pinned until the run ends. A context may be reused for consecutive runs on one thread.
/// </summary>
public sealed class RunContext
{
    private MemoryRegion[] _regions = new MemoryRegion[4];
    private int _regionCount;
    private readonly ulong[] _arguments = new ulong[5];

    /// <summary>The value of r1 at entry (by convention the context or memory pointer).</summary>
    public ulong R1 { get => _arguments[0]; set => _arguments[0] = value; }

    /// <summary>The value of r2 at entry.</summary>
    public ulong R2 { get => _arguments[1]; set => _arguments[1] = value; }

    /// <summary>The value of r3 at entry.</summary>
    public ulong R3 { get => _arguments[2]; set => _arguments[2] = value; }

    /// <summary>The value of r4 at entry.</summary>
    public ulong R4 { get => _arguments[3]; set => _arguments[3] = value; }

    /// <summary>The value of r5 at entry.</summary>
    public ulong R5 { get => _arguments[4]; set => _arguments[4] = value; }

    /// <summary>The packet that legacy <c>BPF_ABS</c>/<c>BPF_IND</c> loads read, or an empty region.</summary>
    public MemoryRegion Packet { get; set; }

    /// <summary>Host state for helpers (for instance the program's maps); engines ignore it.</summary>
    public object? HostState { get; set; }

    /// <summary>The processor slot of the thread running the program (per-CPU maps and <c>bpf_get_smp_processor_id</c> use it).</summary>
    public int ProcessorSlot { get; set; }

    /// <summary>The number of instructions the last run executed (set when the run ends, normally or by a fault).</summary>
    public long InstructionsExecuted { get; internal set; }

    /// <summary>The regions added so far (the engine adds the stack on its own).</summary>
    public ReadOnlySpan<MemoryRegion> Regions => _regions.AsSpan(0, _regionCount);

    /// <summary>Allows the run to access <paramref name="length"/> bytes at <paramref name="start"/>.</summary>
    public void AddRegion(nint start, long length, bool writable, string name) =>
        AddRegion(new MemoryRegion((ulong)start, (ulong)length, writable, name));

    /// <summary>Allows the run to access a region.</summary>
    public void AddRegion(MemoryRegion region)
    {
        if (region.Length == 0) return;
        if (_regionCount == _regions.Length) Array.Resize(ref _regions, _regionCount * 2);
        _regions[_regionCount++] = region;
    }

    /// <summary>Removes every region and resets registers and packet, for reuse.</summary>
    public void Clear()
    {
        _regionCount = 0;
        Array.Clear(_arguments);
        Packet = default;
        HostState = null;
        InstructionsExecuted = 0;
    }

    /// <summary>
    /// Resets the context for a run on one block of memory, the way <c>ebpf exec</c> and the conformance suite run
    /// programs: the memory is the only region and the packet, r1 points to it (0 when empty), r2 is its length.
    /// </summary>
    public void ResetForMemory(nint start, int length)
    {
        Clear();
        var region = new MemoryRegion((ulong)start, (ulong)length, true, "memory");
        AddRegion(region);
        Packet = region;
        R1 = length == 0 ? 0 : (ulong)start;
        R2 = (ulong)length;
    }

    /// <summary>
    /// Finds the region that holds <paramref name="size"/> bytes at <paramref name="address"/> with the needed access,
    /// or returns false. Helpers use it to check pointer arguments before they touch memory.
    /// </summary>
    public bool TryFindRegion(ulong address, ulong size, bool write, out MemoryRegion region)
    {
        for (int i = 0; i < _regionCount; i++)
        {
            ref readonly var candidate = ref _regions[i];
            if (candidate.Contains(address, size) && (!write || candidate.Writable))
            {
                region = candidate;
                return true;
            }
        }
        region = default;
        return false;
    }

    /// <summary>
    /// The memory a helper may read or write through a pointer argument, after checking that it lies inside one
    /// region of the run. Throws a <see cref="ProgramFaultException"/> (kind <see cref="FaultKind.HelperError"/>) otherwise.
    /// </summary>
    public unsafe Span<byte> GetMemory(ulong address, int length, bool write)
    {
        if (length < 0 || !TryFindRegion(address, (ulong)length, write, out _) && !StackContains(address, (ulong)length))
            throw new ProgramFaultException(new ProgramFault(FaultKind.HelperError, CurrentInstruction, address, length,
                $"a helper was given {length} bytes at 0x{address:x}, which is not {(write ? "writable " : "")}memory of this run"));
        return new Span<byte>((void*)address, length);
    }

    /// <summary>The instruction being executed, for helpers that report faults.</summary>
    public int CurrentInstruction { get; internal set; }

    internal ulong StackLow { get; set; }

    internal ulong StackHigh { get; set; }

    private bool StackContains(ulong address, ulong size) =>
        address >= StackLow && size <= StackHigh - StackLow && address - StackLow <= StackHigh - StackLow - size;

    internal ReadOnlySpan<ulong> Arguments => _arguments;
}
