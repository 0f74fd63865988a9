using Ebpf.Isa;
using Ebpf.Linux.Programs;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.ProgramTypes;

/// <summary>Return ranges against the kernel's verifier: <c>r0 = K; exit</c> loads exactly when K lies in the descriptor's range.</summary>
public class ReturnRangeKernelTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "socket_filter", "" }, { "sched_cls", "" }, { "xdp", "" }, { "kprobe", "" }, { "tracepoint", "" }, { "perf_event", "" },
        { "raw_tracepoint", "" }, { "lwt_in", "" }, { "sock_ops", "" },
        { "cgroup_skb", nameof(AttachTypeId.CgroupInetIngress) }, { "cgroup_skb", nameof(AttachTypeId.CgroupInetEgress) },
        { "cgroup_sock", nameof(AttachTypeId.CgroupInetSockCreate) },
        { "cgroup_sock_addr", nameof(AttachTypeId.CgroupInet4Connect) }, { "cgroup_sock_addr", nameof(AttachTypeId.CgroupInet4Bind) },
        { "cgroup_sock_addr", nameof(AttachTypeId.CgroupUdp6Recvmsg) }, { "cgroup_sock_addr", nameof(AttachTypeId.CgroupInet4Getsockname) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Return_values_load_exactly_when_the_range_holds_them(string typeName, string attachName)
    {
        if (KernelRequirement.Missing(output)) return;
        var type = KnownProgramTypes.Find(typeName)!;
        AttachTypeId? attach = attachName == "" ? null : Enum.Parse<AttachTypeId>(attachName);
        var range = type.ReturnRangeFor(attach);
        foreach (int value in new[] { -1, 0, 1, 2, 3, 4, 1000 })
        {
            var program = new Bytecode([new Instruction(0xb7, 0, 0, 0, value), new Instruction(Opcodes.Exit, 0, 0, 0, 0)]);
            bool kernel;
            try
            {
                using var loaded = KernelTestProgram.Load(program, type, attach);
                kernel = true;
            }
            catch (KernelErrorException e) when (e.VerifierLog is not null || e.ErrorNumber is 22 or 13)
            {
                kernel = false;
            }
            bool ours = range is not { } r || r.Contains(value);
            Assert.True(kernel == ours, $"{typeName} {attachName}: return {value}: kernel {(kernel ? "accepts" : "refuses")}, range {range?.ToString() ?? "any"}");
        }
    }
}
