namespace Ebpf.Verifier;

/// <summary>Thrown inside the verifier when a path is unsafe; becomes a rejected <see cref="VerificationResult"/>.</summary>
internal sealed class VerifierError(RejectionReason reason, int instruction, string problem, string? hint = null, int register = -1) : Exception(problem)
{
    public RejectionReason Reason { get; } = reason;
    public int Instruction { get; } = instruction;
    public string Problem { get; } = problem;
    public string? Hint { get; } = hint;

    /// <summary>The register whose state made the access unsafe, or -1.</summary>
    public int Register { get; } = register;
}
