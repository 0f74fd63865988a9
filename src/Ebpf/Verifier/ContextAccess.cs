namespace Ebpf.Verifier;

/// <summary>The result of checking one context access: what a load yields, or why the access is refused.</summary>
internal readonly record struct ContextAccess(RegisterKind Loads, string? Error, RejectionReason Reason = RejectionReason.InvalidContextAccess)
{
    public static ContextAccess Refused(string error, RejectionReason reason = RejectionReason.InvalidContextAccess) => new(RegisterKind.NotInitialized, error, reason);
    public bool Allowed => Error is null;
}
