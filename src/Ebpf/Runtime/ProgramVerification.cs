namespace Ebpf.Runtime;

/// <summary>Whether a <see cref="LoadedCollection"/> verifies its programs before they run.</summary>
public enum ProgramVerification
{
    /// <summary>
    /// The default: every program is verified when the collection prepares its programs. An accepted program runs
    /// with memory checks off (the verifier proved every access safe) unless the caller's
    /// <see cref="ExecutionOptions"/> ask for them; a rejected one cannot be run, and asking for it
    /// throws <see cref="ProgramLoadException"/> with the verifier's explanation.
    /// </summary>
    Verified,

    /// <summary>
    /// No verification: every program runs, always in checked mode, so an unsafe access stops the run with a fault
    /// instead of touching host memory.
    /// </summary>
    Unverified,
}
