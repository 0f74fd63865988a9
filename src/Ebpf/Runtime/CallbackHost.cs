namespace Ebpf.Runtime;

/// <summary>
/// An engine's way back into the program it is running, for helpers that take a callback (<c>bpf_loop</c>,
/// <c>bpf_for_each_map_elem</c>): the callback runs as a bpf-to-bpf call one frame below the helper's caller, with its
/// own zeroed 512-byte frame, r1–r5 as arguments, counted against the run's instruction budget and call depth.
/// </summary>
internal abstract class CallbackHost
{
    /// <summary>Whether <paramref name="start"/> is a function of the program a callback may call.</summary>
    public abstract bool IsFunction(int start);

    /// <summary>
    /// Runs the function at <paramref name="start"/> re-entrantly (from inside a helper) and returns its r0. The
    /// caller's frame depth is <see cref="RunContext.CallDepth"/>.
    /// </summary>
    /// <exception cref="ProgramFaultException">The callback faulted, spent the budget or nested too deep.</exception>
    public abstract ulong Call(RunContext context, int start, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5);
}
