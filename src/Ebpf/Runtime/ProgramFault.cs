namespace Ebpf.Runtime;

/// <summary>Why a run was stopped.</summary>
public enum FaultKind
{
    /// <summary>A load or store outside every memory region of the run, or a store to a read-only one.</summary>
    OutOfBounds,
    /// <summary>An atomic operation on an address not aligned to its size.</summary>
    MisalignedAtomic,
    /// <summary>The run executed more instructions than its budget allows.</summary>
    InstructionBudgetExhausted,
    /// <summary>bpf-to-bpf calls nested deeper than the kernel's limit of frames.</summary>
    CallDepthExceeded,
    /// <summary>A call (through <c>callx</c>) to a helper id that is not registered.</summary>
    UnknownHelper,
    /// <summary>A helper rejected its arguments.</summary>
    HelperError,
}

/// <summary>What stopped a run: the kind, the instruction, and for memory faults the address and size.</summary>
/// <param name="Kind">The kind of fault.</param>
/// <param name="InstructionIndex">The index of the instruction slot that faulted.</param>
/// <param name="Address">The address accessed, for memory faults.</param>
/// <param name="Size">The number of bytes accessed, for memory faults.</param>
/// <param name="Detail">A sentence that explains the fault.</param>
public sealed record ProgramFault(FaultKind Kind, int InstructionIndex, ulong Address, int Size, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => $"program fault at instruction {InstructionIndex}: {Detail}";
}

/// <summary>A run stopped by a fault; the host was not touched.</summary>
public sealed class ProgramFaultException : EbpfException
{
    /// <summary>Creates the exception for a fault.</summary>
    public ProgramFaultException(ProgramFault fault) : base(fault.ToString()) => Fault = fault;

    /// <summary>What stopped the run.</summary>
    public ProgramFault Fault { get; }
}

/// <summary>A program that is valid but cannot be prepared for this engine or host (e.g. it needs maps it was not given).</summary>
public sealed class ProgramLoadException : EbpfException
{
    /// <summary>Creates the exception for the instruction at <paramref name="instructionIndex"/>.</summary>
    public ProgramLoadException(int instructionIndex, string reason)
        : base($"cannot load the program: instruction {instructionIndex}: {reason}")
    {
        InstructionIndex = instructionIndex;
        Reason = reason;
    }

    /// <summary>The instruction that cannot be loaded.</summary>
    public int InstructionIndex { get; }

    /// <summary>Why, without the position.</summary>
    public string Reason { get; }
}
