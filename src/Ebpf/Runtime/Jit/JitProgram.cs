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

    [ThreadStatic] private static JitContext? t_spareContext;

    private readonly int _entryStackBytes;

    internal JitProgram(JitEntry entry, HelperFunction[] siteHelpers, ExecutionOptions options, int entryStackBytes, TimeSpan compileTime)
    {
        _entryStackBytes = entryStackBytes;
        _entry = entry;
        _siteHelpers = siteHelpers;
        _helpers = options.Helpers;
        _budget = options.InstructionBudget;
        _checked = options.MemoryChecks == MemoryChecks.Checked;
        CompileTime = compileTime;
    }

    /// <inheritdoc />
    public string EngineName => "jit";

    /// <summary>How long IL generation took (RyuJIT compiles the methods on their first run).</summary>
    public TimeSpan CompileTime { get; }

    /// <summary>Forces RyuJIT to compile the entry function now rather than on the first run.</summary>
    public void Prepare() => RuntimeHelpers.PrepareDelegate(_entry);

    /// <inheritdoc />
    public ulong Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stack = ExecutionStack.Rent();
        ulong stackHigh = stack.High;
        // The entry frame starts zeroed as far as the code can reach it (every byte when a stack pointer escapes).
        new Span<byte>((void*)(stackHigh - (ulong)_entryStackBytes), _entryStackBytes).Clear();

        var jit = t_spareContext ?? new JitContext();
        t_spareContext = null; // a helper that runs another program on this thread gets its own state
        jit.Run = context;
        jit.Helpers = _siteHelpers;
        jit.HelperTable = _helpers;
        jit.StackHigh = stackHigh;
        jit.Executed = 0;
        jit.Budget = _budget;
        jit.Aborted = false;
        var regions = context.Regions;
        if (regions.Length > 0)
        {
            jit.FastStart = regions[0].Start;
            jit.FastLength = regions[0].Length;
            jit.FastWritableLength = regions[0].Writable ? regions[0].Length : 0;
        }
        else
        {
            jit.FastStart = jit.FastLength = jit.FastWritableLength = 0;
        }
        context.StackLow = stackHigh - StackBytes;
        context.StackHigh = stackHigh;
        var arguments = context.Arguments;
        try
        {
            ulong r0 = _entry(0, arguments[0], arguments[1], arguments[2], arguments[3], arguments[4], 0, 0, 0, 0, stackHigh, 0, jit);
            if (_checked) context.InstructionsExecuted = jit.Executed;
            return r0;
        }
        catch (ProgramFaultException)
        {
            if (_checked && context.InstructionsExecuted == 0) context.InstructionsExecuted = jit.Executed;
            throw;
        }
        finally
        {
            jit.Run = null!;
            t_spareContext = jit;
            ExecutionStack.Return(stack);
        }
    }
}
