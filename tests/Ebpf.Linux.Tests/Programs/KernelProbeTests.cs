using Ebpf.Linux.Features;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Programs;

public class KernelProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void ProbeGivesAReasonEitherWay()
    {
        bool usable = KernelProbe.CanUseBpf(out string reason);
        output.WriteLine($"usable={usable}: {reason}");
        if (usable) Assert.Equal("bpf() works: loaded and test-ran a socket filter", reason);
        else Assert.StartsWith("bpf", reason);
    }
}
