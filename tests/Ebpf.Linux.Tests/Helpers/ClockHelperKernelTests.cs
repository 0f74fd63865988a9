using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Helpers.HelperDifferential;

namespace Ebpf.Linux.Tests.Helpers;

/// <summary>The clock and NUMA helpers read the same clocks as the kernel: each of our readings lies between two of the kernel's.</summary>
public class ClockHelperKernelTests(ITestOutputHelper output)
{
    /// <summary>XDP: the helper's 64-bit result into the packet at 14.</summary>
    private const string Source = """
        r6 = r1
        call HELPER
        r7 = *(u32 *)(r6 + 0)
        r8 = *(u32 *)(r6 + 4)
        r1 = r7
        r1 += 22
        if r1 > r8 goto out
        *(u64 *)(r7 + 14) = r0
        out:
        r0 = 2
        exit
        """;

    [Theory]
    [InlineData(118, 250L)]          // jiffies64: within a second (250 ticks)
    [InlineData(160, 10_000_000L)]   // ktime_get_coarse_ns: within a couple of ticks
    [InlineData(208, 1_000_000L)]    // ktime_get_tai_ns
    [InlineData(5, 1_000_000L)]      // ktime_get_ns
    [InlineData(42, 0L)]             // get_numa_node_id: 0 on a single-node machine
    public void Clocks_read_what_the_kernel_reads(int helper, long tolerance)
    {
        if (KernelRequirement.Missing(output)) return;
        string source = Source.Replace("HELPER", $"{helper}");
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            // The kernel's reading before and after ours brackets it, whatever the machine's load.
            long before = Value(RunInKernel(KnownProgramTypes.Xdp, source, PacketHelperKernelTests.Packet, []));
            long mine = Value(RunHere(engine, KnownProgramTypes.Xdp, source, PacketHelperKernelTests.Packet, []));
            long after = Value(RunInKernel(KnownProgramTypes.Xdp, source, PacketHelperKernelTests.Packet, []));
            output.WriteLine($"{engine}: kernel {before}..{after}, ours {mine}");
            Assert.InRange(mine, before - tolerance, after + tolerance);
        }
    }

    private static long Value(Outcome outcome) => BitConverter.ToInt64(outcome.DataOut, 14);
}
