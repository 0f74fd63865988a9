namespace Ebpf.Verifier;

/// <summary>How much work a verification took.</summary>
/// <param name="ProcessedInstructions">Instructions processed over all paths (the kernel's "processed N insns").</param>
/// <param name="States">States stored at pruning points.</param>
/// <param name="PeakStates">The most stored states alive at once.</param>
/// <param name="PrunedPaths">Paths cut short because a stored state covered them.</param>
/// <param name="Elapsed">Wall-clock time.</param>
public sealed record VerificationStatistics(int ProcessedInstructions, int States, int PeakStates, int PrunedPaths, TimeSpan Elapsed)
{
    /// <summary>Elapsed time in whole microseconds.</summary>
    public long Microseconds => (long)(Elapsed.Ticks / (TimeSpan.TicksPerMillisecond / 1000.0));
}
