using System.Runtime.CompilerServices;
using Ebpf.Helpers;

namespace Ebpf.Runtime.Jit;

/// <summary>A program compiled to native code through IL. Thread-safe: each run gets its own stack and state.</summary>
public sealed unsafe class JitProgram : IExecutableProgram
{
    private const int StackBytes = ExecutionStack.Bytes;

    private readonly JitEntry _entry;
    private readonly HelperFunction[] _siteHelpers;
    private readonly HelperTable _helpers;
    private readonly long _budget;
    private readonly bool _checked;

    [ThreadStatic] private static JitContext? t_context;

    private readonly int _entryStackBytes;

    private readonly ProgramMaps _maps;

    private readonly JitCallbacks? _callbacks;

    internal JitProgram(JitEntry entry, HelperFunction[] siteHelpers, ProgramMaps maps, ExecutionOptions options, int entryStackBytes, TimeSpan compileTime,
        JitCallbacks? callbacks)
    {
        _callbacks = callbacks;
        _entryStackBytes = entryStackBytes;
        _maps = maps;
        _entry = entry;
        _siteHelpers = siteHelpers;
        _helpers = options.Helpers;
        _budget = options.InstructionBudget;
        _checked = options.MemoryChecks == MemoryChecks.Checked;
        CompileTime = compileTime;
    }

    /// <inheritdoc />
    public string EngineName => "jit";

    /// <summary>The compiled entry function (tests check that it can be collected).</summary>
    internal Delegate Entry => _entry;

    /// <summary>How long IL generation took (RyuJIT compiles the methods on their first run).</summary>
    public TimeSpan CompileTime { get; }

    /// <summary>Forces RyuJIT to compile the entry function now rather than on the first run.</summary>
    public void Prepare() => RuntimeHelpers.PrepareDelegate(_entry);

    /// <inheritdoc />
    public ulong Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!ReferenceEquals(context.ProgramMaps, _maps)) context.ProgramMaps = _maps;
        ulong r0;
        if (!_maps.NeedsReclamation)
        {
            r0 = Execute(context);
        }
        else
        {
            using var scope = Ebpf.Maps.MapReclamation.EnterRun();
            r0 = Execute(context);
        }
        return context.PendingTailCall is null ? r0 : context.FinishTailCalls(r0);
    }

    private ulong Execute(RunContext context)
    {
        // One state object per thread, reused, with its own stack (one thread-local access per run); a helper that
        // runs another program on this thread gets a fresh one.
        var jit = t_context ??= new JitContext();
        if (jit.InUse) jit = new JitContext();
        jit.InUse = true;
        ulong stackHigh = jit.Stack.High;
        // The entry frame starts zeroed as far as the code can reach it (every byte when a stack pointer escapes).
        new Span<byte>((void*)(stackHigh - (ulong)_entryStackBytes), _entryStackBytes).Clear();

        // Reference fields are only stored when they change: each store costs a GC write barrier.
        if (!ReferenceEquals(jit.Run, context)) jit.Run = context;
        if (!ReferenceEquals(jit.Helpers, _siteHelpers)) jit.Helpers = _siteHelpers;
        if (!ReferenceEquals(jit.HelperTable, _helpers)) jit.HelperTable = _helpers;
        jit.StackHigh = stackHigh;
        jit.Executed = 0;
        jit.Budget = _budget;
        jit.Aborted = false;
        context.TryGetFirstRegion(out jit.FastStart, out jit.FastLength, out bool writable);
        jit.FastWritableLength = writable ? jit.FastLength : 0;
        context.StackLow = stackHigh - StackBytes;
        context.StackHigh = stackHigh;
        if (!ReferenceEquals(context.Callbacks, _callbacks)) context.Callbacks = _callbacks;
        if (_callbacks is not null && !ReferenceEquals(context.JitState, jit)) context.JitState = jit;
        try
        {
            return _entry(0, context.R1, context.R2, context.R3, context.R4, context.R5, 0, 0, 0, 0, stackHigh, 0, jit);
        }
        finally
        {
            // Compiled code writes the count back before every exit and fault (checked mode only).
            if (_checked) context.InstructionsExecuted = jit.Executed;
            jit.InUse = false;
        }
    }
}
