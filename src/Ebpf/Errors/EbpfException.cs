namespace Ebpf;

/// <summary>
/// The base of every error this library raises on purpose: malformed programs or objects, assembly errors,
/// program faults, kernel errors. Each message says what went wrong, where, and what to do about it.
/// </summary>
public abstract class EbpfException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    protected EbpfException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>A program that breaks the encoding rules of RFC 9669: it cannot be run or loaded.</summary>
public sealed class MalformedProgramException : EbpfException
{
    /// <summary>Creates the exception for the instruction slot at <paramref name="instructionIndex"/>.</summary>
    public MalformedProgramException(int instructionIndex, string reason)
        : base($"invalid program: instruction {instructionIndex}: {reason}")
    {
        InstructionIndex = instructionIndex;
        Reason = reason;
    }

    /// <summary>The index of the offending instruction slot.</summary>
    public int InstructionIndex { get; }

    /// <summary>Why the instruction is invalid, without the position.</summary>
    public string Reason { get; }
}
