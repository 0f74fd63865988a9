using Ebpf.ProgramTypes;

namespace Ebpf.Tests.ProgramTypes;

/// <summary>Descriptors are found by the kernel's BPF_PROG_TYPE_ name (any case, prefix optional), by id and by section name.</summary>
public class ProgramTypeLookupTests
{
    [Theory]
    [InlineData("XDP", "xdp")]
    [InlineData("sched_cls", "sched_cls")]
    [InlineData("BPF_PROG_TYPE_KPROBE", "kprobe")]
    [InlineData("bpf_prog_type_socket_filter", "socket_filter")]
    [InlineData("Cgroup_Sock_Addr", "cgroup_sock_addr")]
    [InlineData(" raw_tracepoint ", "raw_tracepoint")]
    [InlineData("LWT_XMIT", "lwt_xmit")]
    [InlineData("raw", "raw")]
    public void By_kernel_name(string name, string expected) => Assert.Equal(expected, KnownProgramTypes.Find(name)?.Name);

    [Theory]
    [InlineData("tracing")]
    [InlineData("BPF_PROG_TYPE_")]
    [InlineData("")]
    public void Unknown_names_give_null(string name) => Assert.Null(KnownProgramTypes.Find(name));

    [Fact]
    public void Every_type_is_found_by_its_upper_case_kernel_name_and_its_id()
    {
        foreach (var type in KnownProgramTypes.All)
        {
            Assert.Same(type, KnownProgramTypes.Find("BPF_PROG_TYPE_" + type.Name.ToUpperInvariant()));
            if (type.KernelId >= 0) Assert.Same(type, KnownProgramTypes.Find((ProgramTypeId)type.KernelId));
        }
        Assert.Null(KnownProgramTypes.Find(ProgramTypeId.Unspecified));
    }

    [Theory]
    [InlineData("socket", "socket_filter")]
    [InlineData("kprobe/do_sys_open", "kprobe")]
    [InlineData("kretprobe/do_sys_open", "kprobe")]
    [InlineData("uprobe/bin:main", "kprobe")]
    [InlineData("tc", "sched_cls")]
    [InlineData("classifier/ingress", "sched_cls")]
    [InlineData("action/police", "sched_act")]
    [InlineData("tracepoint/syscalls/sys_enter_write", "tracepoint")]
    [InlineData("tp/sched/sched_switch", "tracepoint")]
    [InlineData("xdp", "xdp")]
    [InlineData("perf_event", "perf_event")]
    [InlineData("cgroup_skb/ingress", "cgroup_skb")]
    [InlineData("cgroup/sock_create", "cgroup_sock")]
    [InlineData("lwt_in", "lwt_in")]
    [InlineData("lwt_out", "lwt_out")]
    [InlineData("lwt_xmit", "lwt_xmit")]
    [InlineData("sockops", "sock_ops")]
    [InlineData("raw_tracepoint/sys_enter", "raw_tracepoint")]
    [InlineData("raw_tp/sys_enter", "raw_tracepoint")]
    [InlineData("cgroup/connect6", "cgroup_sock_addr")]
    public void By_section_name(string section, string expected) => Assert.Equal(expected, KnownProgramTypes.ForSection(section)?.Name);

    [Theory]
    [InlineData("fentry/do_unlinkat")]
    [InlineData(".text")]
    [InlineData("sk_msg")]
    public void Sections_of_types_without_a_descriptor_give_null(string section) => Assert.Null(KnownProgramTypes.ForSection(section));
}
