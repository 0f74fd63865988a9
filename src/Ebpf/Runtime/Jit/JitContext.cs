using Ebpf.Helpers;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// The per-run state compiled code reaches through its last argument: the run's context, the helpers of each call
/// site, the stack top, the instruction counter of checked mode, and the registers r1–r5 a returning subprogram
/// hands back to its caller. Public fields so that emitted IL can load and store them directly.
/// </summary>
public sealed class JitContext
{
    /// <summary>The run's context (regions, packet, helper state).</summary>
    public RunContext Run = null!;

    /// <summary>The helper of each helper call site, by site number.</summary>
    public HelperFunction[] Helpers = [];

    /// <summary>The helper table, for <c>callx</c>.</summary>
    public HelperTable HelperTable = null!;

    /// <summary>The address one past the top stack frame.</summary>
    public ulong StackHigh;

    /// <summary>The start of the run's first region, checked inline before the other regions (checked mode).</summary>
    public ulong FastStart;

    /// <summary>The length of the first region for reads (0 when the run has no region).</summary>
    public ulong FastLength;

    /// <summary>The length of the first region for writes (0 when it is read-only).</summary>
    public ulong FastWritableLength;

    /// <summary>Instructions executed so far (checked mode).</summary>
    public long Executed;

    /// <summary>The instruction budget (checked mode).</summary>
    public long Budget;

    /// <summary>Whether a run on this thread is using this state now.</summary>
    public bool InUse;

    /// <summary>The native stack of runs that use this state.</summary>
    internal ExecutionStack Stack { get; } = ExecutionStack.Allocate();

    /// <summary>Set when a legacy packet load ended the program with r0 = 0.</summary>
    public bool Aborted;

    /// <summary>r1 as a returning subprogram left it.</summary>
    public ulong R1;
    /// <summary>r2 as a returning subprogram left it.</summary>
    public ulong R2;
    /// <summary>r3 as a returning subprogram left it.</summary>
    public ulong R3;
    /// <summary>r4 as a returning subprogram left it.</summary>
    public ulong R4;
    /// <summary>r5 as a returning subprogram left it.</summary>
    public ulong R5;
}
