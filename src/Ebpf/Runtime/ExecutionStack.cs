using System.Runtime.InteropServices;

namespace Ebpf.Runtime;

/// <summary>
/// The native stack memory of runs on one thread: allocated zeroed once per thread and reused, so a run never sees
/// host data, only what earlier runs on the same thread left (frames are zeroed as far as the code can reach them).
/// A run started while another is active on the thread (a helper running a program) gets its own block.
/// </summary>
internal sealed unsafe class ExecutionStack
{
    public const int Bytes = ExecutionLimits.StackBytesPerFrame * ExecutionLimits.MaxCallFrames;

    [ThreadStatic] private static ExecutionStack? t_spare;

    private ExecutionStack() => Low = (byte*)NativeMemory.AlignedAlloc(Bytes, 64);

    ~ExecutionStack() => NativeMemory.AlignedFree(Low);

    /// <summary>The lowest byte of the block.</summary>
    public byte* Low { get; }

    /// <summary>One past the highest byte: r10 of the entry frame.</summary>
    public ulong High => (ulong)(Low + Bytes);

    /// <summary>Takes this thread's block, or a new one when it is in use.</summary>
    public static ExecutionStack Rent()
    {
        var stack = t_spare;
        if (stack is null)
        {
            stack = new ExecutionStack();
            new Span<byte>(stack.Low, Bytes).Clear();
            return stack;
        }
        t_spare = null;
        return stack;
    }

    /// <summary>Gives the block back to this thread.</summary>
    public static void Return(ExecutionStack stack) => t_spare = stack;
}
