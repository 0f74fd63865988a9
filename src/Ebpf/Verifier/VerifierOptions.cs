namespace Ebpf.Verifier;

/// <summary>How the verifier checks a program.</summary>
public sealed record VerifierOptions
{
    /// <summary>The kernel's limit on instructions processed over all paths before giving up.</summary>
    public const int DefaultInstructionBudget = 1_000_000;

    /// <summary>
    /// Apply the rules of an unprivileged loader: no pointer may leak into maps, the context, the packet or the return value,
    /// no pointer comparisons or subtraction, no reads of uninitialised stack. Default: the privileged (root) rules.
    /// </summary>
    public bool Unprivileged { get; init; }

    /// <summary>The kernel-style log: 0 none, 1 the rejected path's instructions and states, 2 every processed instruction.</summary>
    public int LogLevel { get; init; }

    /// <summary>Instructions processed over all paths before the program counts as too complex.</summary>
    public int InstructionBudget { get; init; } = DefaultInstructionBudget;

    /// <summary>The most lines a log keeps (older lines are dropped at level 1, newer ones at level 2).</summary>
    public int MaxLogLines { get; init; } = 100_000;

    /// <summary>Helpers with their prototypes, for host helpers; null uses the Linux prototypes by id.</summary>
    public Helpers.HelperTable? Helpers { get; init; }
}
