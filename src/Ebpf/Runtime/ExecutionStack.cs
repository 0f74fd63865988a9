using System.Runtime.InteropServices;

namespace Ebpf.Runtime;

/// <summary>
/// Native stack memory for compiled runs: allocated zeroed and reused by one thread's runs, so a run never sees host
/// data, only what earlier runs left (frames are zeroed as far as the code can reach them). Freed by the finalizer.
/// </summary>
internal sealed unsafe class ExecutionStack
{
    public const int Bytes = ExecutionLimits.StackBytesPerFrame * ExecutionLimits.MaxCallFrames;

    private ExecutionStack() => Low = (byte*)NativeMemory.AlignedAlloc(Bytes, 64);

    ~ExecutionStack() => NativeMemory.AlignedFree(Low);

    /// <summary>The lowest byte of the block.</summary>
    public byte* Low { get; }

    /// <summary>One past the highest byte: r10 of the entry frame.</summary>
    public ulong High => (ulong)(Low + Bytes);

    /// <summary>A new zeroed block.</summary>
    public static ExecutionStack Allocate()
    {
        var stack = new ExecutionStack();
        new Span<byte>(stack.Low, Bytes).Clear();
        return stack;
    }
}
