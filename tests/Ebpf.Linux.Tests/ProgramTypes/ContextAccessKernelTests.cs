using Ebpf.Isa;
using Ebpf.Linux.Programs;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.ProgramTypes;

/// <summary>
/// Every program type's context rules against the kernel's verifier: for each offset and width, a load (and a store)
/// of the context is accepted by the kernel exactly when the descriptor's <see cref="ProgramType.FindAccess"/> allows it.
/// </summary>
public class ContextAccessKernelTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "socket_filter", "" }, { "sched_cls", "" }, { "sched_act", "" }, { "xdp", "" }, { "xdp", nameof(AttachTypeId.XdpDevmap) },
        { "cgroup_skb", nameof(AttachTypeId.CgroupInetIngress) }, { "cgroup_skb", nameof(AttachTypeId.CgroupInetEgress) },
        { "lwt_in", "" }, { "lwt_out", "" }, { "lwt_xmit", "" }, { "kprobe", "" }, { "tracepoint", "" }, { "perf_event", "" },
        { "raw_tracepoint", "" }, { "sock_ops", "" },
        { "cgroup_sock", nameof(AttachTypeId.CgroupInetSockCreate) }, { "cgroup_sock", nameof(AttachTypeId.CgroupInet4PostBind) },
        { "cgroup_sock", nameof(AttachTypeId.CgroupInet6PostBind) },
        { "cgroup_sock_addr", nameof(AttachTypeId.CgroupInet4Connect) }, { "cgroup_sock_addr", nameof(AttachTypeId.CgroupInet6Bind) },
        { "cgroup_sock_addr", nameof(AttachTypeId.CgroupUdp4Sendmsg) }, { "cgroup_sock_addr", nameof(AttachTypeId.CgroupUdp6Sendmsg) },
        { "cgroup_sock_addr", nameof(AttachTypeId.CgroupUnixConnect) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Context_accesses_are_allowed_exactly_when_the_kernel_allows_them(string typeName, string attachName)
    {
        if (KernelRequirement.Missing(output)) return;
        var type = KnownProgramTypes.Find(typeName)!;
        AttachTypeId? attach = attachName == "" ? null : Enum.Parse<AttachTypeId>(attachName);
        var mismatches = new List<string>();
        int checkedAccesses = 0;
        foreach (int offset in Offsets(type))
        {
            foreach (int size in new[] { 1, 2, 4, 8 })
            {
                if (offset % size != 0) continue;
                foreach (bool write in new[] { false, true })
                {
                    bool ours = type.FindAccess(offset, size, write, attach) is not null;
                    bool kernel = KernelAccepts(type, attach, Access(offset, size, write));
                    checkedAccesses++;
                    if (ours != kernel)
                        mismatches.Add($"{(write ? "store" : "load")} of {size} at {offset}: kernel {(kernel ? "accepts" : "refuses")}, descriptor {(ours ? "allows" : "refuses")}");
                }
            }
        }
        output.WriteLine($"{typeName} {attachName}: {checkedAccesses} accesses checked");
        Assert.True(mismatches.Count == 0, $"{typeName} {attachName}: {mismatches.Count} mismatches:\n" + string.Join("\n", mismatches.Take(30)));
    }

    /// <summary>The whole context and a little past it; for a tracepoint's 2 KiB record its start and its end.</summary>
    private static IEnumerable<int> Offsets(ProgramType type) =>
        type.ContextSize > 512
            ? Enumerable.Range(0, 64).Concat(Enumerable.Range(type.ContextSize - 16, 32))
            : Enumerable.Range(0, type.ContextSize + 16);

    private static Bytecode Access(int offset, int size, bool write)
    {
        byte width = size switch { 1 => 0x10, 2 => 0x08, 4 => 0x00, _ => 0x18 };
        var access = write
            ? new Instruction((byte)(0x63 | width), 1, 2, (short)offset, 0)
            : new Instruction((byte)(0x61 | width), 0, 1, (short)offset, 0);
        return new Bytecode([new Instruction(0xb7, 2, 0, 0, 0), access, new Instruction(0xb7, 0, 0, 0, 0), new Instruction(Opcodes.Exit, 0, 0, 0, 0)]);
    }

    private static bool KernelAccepts(ProgramType type, AttachTypeId? attach, Bytecode program)
    {
        try
        {
            using var loaded = KernelTestProgram.Load(program, type, attach);
            return true;
        }
        catch (KernelErrorException e) when (e.VerifierLog is not null || e.ErrorNumber is 22 or 13)
        {
            return false;
        }
    }
}
