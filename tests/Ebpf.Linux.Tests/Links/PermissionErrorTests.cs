using Ebpf.Isa.Text;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Links;

/// <summary>
/// A caller without capabilities is told that attaching needs privileges, and which. (bpf links themselves need no
/// capability once the program is loaded — the kernel checks at load — so the refusal comes from perf_event_open.)
/// </summary>
public class PermissionErrorTests(ITestOutputHelper output)
{
    [Fact]
    public void A_tracepoint_attach_without_capabilities_says_which_capabilities_are_needed()
    {
        if (KernelRequirement.Missing(output)) return;
        if (File.ReadAllText("/proc/sys/kernel/perf_event_paranoid").Trim() is "-1")
        {
            output.WriteLine("SKIPPED: kernel.perf_event_paranoid is -1, so anybody may open tracepoint events");
            return;
        }
        using var tracepoint = KernelProgram.Load(Assembler.Assemble("r0 = 0\nexit"), ProgramTypeId.Tracepoint, "unprivileged");
        var error = WithoutCapabilities.Run(() => Record.Exception(() => tracepoint.AttachTracepoint("sched/sched_process_exec")?.Dispose()));
        output.WriteLine(error?.Message ?? "(attached)");
        var refused = Assert.IsType<AttachException>(error);
        Assert.True(refused.IsPermissionDenied);
        Assert.StartsWith("attaching to tracepoint 'sched/sched_process_exec': perf_event_open(PERF_TYPE_TRACEPOINT) failed with EACCES", refused.Message);
        Assert.Contains("run as root or grant CAP_PERFMON", refused.Message);
    }
}
