using Ebpf.Helpers;

namespace Ebpf.Runtime;

/// <summary>How an engine prepares and runs a program.</summary>
public sealed record ExecutionOptions
{
    /// <summary>The default instruction budget of one run: one million, the kernel's verifier complexity limit.</summary>
    public const long DefaultInstructionBudget = 1_000_000;

    /// <summary>The helpers the program may call. Defaults to the Linux helpers implemented so far.</summary>
    public HelperTable Helpers { get; init; } = HelperTable.CreateLinux();

    /// <summary>
    /// The maps the program refers to, by the index its <c>lddw</c> map references carry (source 5 and 6, as the
    /// object loader writes them). Their values are memory every run of the program may access.
    /// </summary>
    public IReadOnlyList<Ebpf.Maps.Map> Maps { get; init; } = [];

    /// <summary>
    /// Offsets of the 32-bit context fields that hold packet pointers (<c>xdp_md.data</c>, <c>__sk_buff.data_end</c>,
    /// …). A 4-byte load from the run's context at one of them gives the full 64-bit host pointer the run supplies
    /// (<see cref="RunContext.SetContextPointer"/>), the way the kernel's verifier rewrites these loads.
    /// </summary>
    public IReadOnlyList<int> ContextPointerFields { get; init; } = [];

    /// <summary>The most instructions one run may execute before it is stopped with a fault (checked mode).</summary>
    public long InstructionBudget { get; init; } = DefaultInstructionBudget;

    /// <summary>
    /// Whether every load and store is checked against the run's regions and the instruction budget enforced.
    /// <see cref="MemoryChecks.Unchecked"/> is only for programs a verifier has proven safe; the interpreter always checks.
    /// </summary>
    public MemoryChecks MemoryChecks { get; init; } = MemoryChecks.Checked;
}

/// <summary>Whether compiled code checks memory accesses and counts instructions.</summary>
public enum MemoryChecks
{
    /// <summary>Every load and store is checked and the instruction budget enforced; faults stop the run.</summary>
    Checked,
    /// <summary>No checks at all, as in the kernel: only for programs the verifier accepted.</summary>
    Unchecked,
}

/// <summary>Limits every engine shares, taken from the Linux kernel.</summary>
public static class ExecutionLimits
{
    /// <summary>The stack of one function frame, in bytes (MAX_BPF_STACK).</summary>
    public const int StackBytesPerFrame = 512;

    /// <summary>The deepest nesting of bpf-to-bpf calls, counting the entry function (MAX_CALL_FRAMES).</summary>
    public const int MaxCallFrames = 8;
}
