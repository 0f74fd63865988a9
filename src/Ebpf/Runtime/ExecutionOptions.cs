using Ebpf.Helpers;

namespace Ebpf.Runtime;

/// <summary>How an engine prepares and runs a program.</summary>
public sealed record ExecutionOptions
{
    /// <summary>The default instruction budget of one run: one million, the kernel's verifier complexity limit.</summary>
    public const long DefaultInstructionBudget = 1_000_000;

    /// <summary>The helpers the program may call. Defaults to the Linux helpers implemented so far.</summary>
    public HelperTable Helpers { get; init; } = HelperTable.CreateLinux();

    /// <summary>The most instructions one run may execute before it is stopped with a fault.</summary>
    public long InstructionBudget { get; init; } = DefaultInstructionBudget;
}

/// <summary>Limits every engine shares, taken from the Linux kernel.</summary>
public static class ExecutionLimits
{
    /// <summary>The stack of one function frame, in bytes (MAX_BPF_STACK).</summary>
    public const int StackBytesPerFrame = 512;

    /// <summary>The deepest nesting of bpf-to-bpf calls, counting the entry function (MAX_CALL_FRAMES).</summary>
    public const int MaxCallFrames = 8;
}
