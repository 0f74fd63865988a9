using System.Runtime.CompilerServices;
using System.Collections.Concurrent;

namespace Ebpf.Runtime;

/// <summary>
/// Gives prepared programs the 32-bit ids that program arrays hold (as the kernel's program ids), and resolves them
/// for <c>bpf_tail_call</c>. Programs are held weakly: a dropped program's id resolves to nothing.
/// </summary>
public static class ProgramRegistry
{
    private static readonly ConcurrentDictionary<uint, WeakReference<IExecutableProgram>> ById = new();
    private static readonly ConditionalWeakTable<IExecutableProgram, object> Ids = new();
    private static int _lastId;

    /// <summary>The id of <paramref name="program"/>, registering it on first use.</summary>
    public static uint IdOf(IExecutableProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return (uint)Ids.GetValue(program, p =>
        {
            uint id = (uint)Interlocked.Increment(ref _lastId);
            ById[id] = new WeakReference<IExecutableProgram>(p);
            return id;
        });
    }

    /// <summary>Finds the live program with id <paramref name="id"/>.</summary>
    public static bool TryGet(uint id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IExecutableProgram? program)
    {
        program = null;
        return ById.TryGetValue(id, out var reference) && reference.TryGetTarget(out program);
    }
}
