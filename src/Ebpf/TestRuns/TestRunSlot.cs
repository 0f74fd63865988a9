using Ebpf.ProgramTypes;
using Ebpf.Runtime;

namespace Ebpf.TestRuns;

/// <summary>
/// One thread's frame and run context for consecutive test runs of one program type: each run starts from a zeroed
/// frame and a cleared context, exactly as <see cref="TestRunner.Run(IExecutableProgram, ProgramType, TestRunInput)"/> does, without allocating them per packet.
/// Not thread-safe: give each thread its own.
/// </summary>
internal sealed class TestRunSlot(ProgramType type, int processorSlot) : IDisposable
{
    private readonly PacketFrame _frame = new(type.ContextSize, type.Packet);
    private readonly RunContext _context = new();

    /// <summary>
    /// Runs <paramref name="program"/> once on <paramref name="data"/>, as <see cref="TestRunner.Run(IExecutableProgram, ProgramType, TestRunInput)"/>; without
    /// <paramref name="copyDataOut"/> the result's DataOut is empty (for callers that only count verdicts).
    /// </summary>
    /// <exception cref="TestRunException">The kernel's test run would refuse the packet.</exception>
    /// <exception cref="ProgramFaultException">The run faulted.</exception>
    public TestRunResult Run(IExecutableProgram program, ReadOnlySpan<byte> data, bool copyDataOut = true)
    {
        var setup = TestRunner.CheckPacket(type, data);
        return TestRunner.RunIn(_frame, _context, program, type, data, setup, 1, processorSlot, contextOut: false, copyDataOut);
    }

    public void Dispose() => _frame.Dispose();
}
