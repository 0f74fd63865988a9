namespace Ebpf.Verifier;

/// <summary>
/// The verdict on one program. On rejection: the reason, the instruction, a message a person can act on (instruction,
/// source line, path, state, hint), and the log when one was asked for.
/// </summary>
public sealed record VerificationResult
{
    /// <summary>The program's name.</summary>
    public required string ProgramName { get; init; }

    /// <summary>Whether the program is proven safe.</summary>
    public required bool Accepted { get; init; }

    /// <summary>Why it was rejected (<see cref="RejectionReason.None"/> when accepted).</summary>
    public RejectionReason Reason { get; init; }

    /// <summary>The instruction slot the rejection is about, or -1.</summary>
    public int Instruction { get; init; } = -1;

    /// <summary>The short statement of the problem ("R1 invalid mem access 'scalar'").</summary>
    public string Problem { get; init; } = "";

    /// <summary>The full explanation: problem, instruction, source line, path, state and hint ("" when accepted).</summary>
    public string Message { get; init; } = "";

    /// <summary>The C source location (FILE:LINE) of the instruction, from BTF line info, or null.</summary>
    public string? Source { get; init; }

    /// <summary>What would fix it, or null.</summary>
    public string? Hint { get; init; }

    /// <summary>The kernel-style log (empty at log level 0).</summary>
    public string Log { get; init; } = "";

    /// <summary>Work done.</summary>
    public required VerificationStatistics Statistics { get; init; }
}
