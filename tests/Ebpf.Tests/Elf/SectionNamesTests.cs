using Ebpf.ProgramTypes;

namespace Ebpf.Tests.Elf;

public class SectionNamesTests
{
    [Theory]
    [InlineData("xdp", ProgramTypeId.Xdp, AttachTypeId.Xdp)]
    [InlineData("xdp.frags", ProgramTypeId.Xdp, AttachTypeId.Xdp)]
    [InlineData("xdp/devmap", ProgramTypeId.Xdp, AttachTypeId.XdpDevmap)]
    [InlineData("sk_skb/stream_parser", ProgramTypeId.SkSkb, AttachTypeId.SkSkbStreamParser)]
    [InlineData("tcx/ingress", ProgramTypeId.SchedClassifier, AttachTypeId.TcxIngress)]
    [InlineData("tp_btf/sched_switch", ProgramTypeId.Tracing, AttachTypeId.TraceRawTracepoint)]
    [InlineData("cgroup_skb/egress", ProgramTypeId.CgroupSkb, AttachTypeId.CgroupInetEgress)]
    [InlineData("cgroup/sock", ProgramTypeId.CgroupSock, AttachTypeId.CgroupInetSockCreate)]
    [InlineData("cgroup/connect4", ProgramTypeId.CgroupSockAddr, AttachTypeId.CgroupInet4Connect)]
    [InlineData("sockops", ProgramTypeId.SockOps, AttachTypeId.CgroupSockOps)]
    [InlineData("sk_msg", ProgramTypeId.SkMsg, AttachTypeId.SkMsgVerdict)]
    [InlineData("fentry/do_unlinkat", ProgramTypeId.Tracing, AttachTypeId.TraceFentry)]
    [InlineData("fexit/do_unlinkat", ProgramTypeId.Tracing, AttachTypeId.TraceFexit)]
    [InlineData("lsm/file_open", ProgramTypeId.Lsm, AttachTypeId.LsmMac)]
    [InlineData("iter/task", ProgramTypeId.Tracing, AttachTypeId.TraceIterator)]
    [InlineData("kprobe.multi/tcp_*", ProgramTypeId.Kprobe, AttachTypeId.TraceKprobeMulti)]
    public void Sections_with_an_expected_attach_type(string section, ProgramTypeId type, AttachTypeId attach) =>
        Assert.Equal(new SectionProgramType(type, attach), SectionNames.Lookup(section));

    [Theory]
    [InlineData("socket", ProgramTypeId.SocketFilter)]
    [InlineData("tc", ProgramTypeId.SchedClassifier)]
    [InlineData("classifier", ProgramTypeId.SchedClassifier)]
    [InlineData("action", ProgramTypeId.SchedAction)]
    [InlineData("tracepoint/syscalls/sys_enter_write", ProgramTypeId.Tracepoint)]
    [InlineData("tp/sched/sched_switch", ProgramTypeId.Tracepoint)]
    [InlineData("raw_tracepoint/sys_enter", ProgramTypeId.RawTracepoint)]
    [InlineData("raw_tp/sys_enter", ProgramTypeId.RawTracepoint)]
    [InlineData("kprobe/do_sys_open", ProgramTypeId.Kprobe)]
    [InlineData("kretprobe/do_sys_open", ProgramTypeId.Kprobe)]
    [InlineData("uprobe//bin/bash:readline", ProgramTypeId.Kprobe)]
    [InlineData("cgroup/skb", ProgramTypeId.CgroupSkb)]
    [InlineData("lwt_xmit", ProgramTypeId.LwtXmit)]
    [InlineData("perf_event", ProgramTypeId.PerfEvent)]
    [InlineData("syscall", ProgramTypeId.Syscall)]
    [InlineData("struct_ops/tcp_init", ProgramTypeId.StructOps)]
    [InlineData("sk_skb", ProgramTypeId.SkSkb)]
    public void Sections_without_an_attach_type(string section, ProgramTypeId type) =>
        Assert.Equal(new SectionProgramType(type, null), SectionNames.Lookup(section));

    [Theory]
    [InlineData("my_section")]
    [InlineData("xdpfoo")]        // "xdp" matches exactly only
    [InlineData("kprobefoo")]     // "kprobe+" needs "kprobe" or "kprobe/…"
    [InlineData("")]
    public void Unknown_sections_are_unspecified_not_errors(string section) =>
        Assert.Equal(new SectionProgramType(ProgramTypeId.Unspecified, null), SectionNames.Lookup(section));

    [Fact]
    public void Ids_are_the_kernel_numbers() =>
        Assert.Equal((2u, 6u, 26u, 32u, 37u, 46u), ((uint)ProgramTypeId.Kprobe, (uint)ProgramTypeId.Xdp, (uint)ProgramTypeId.Tracing,
            (uint)ProgramTypeId.Netfilter, (uint)AttachTypeId.Xdp, (uint)AttachTypeId.TcxIngress));
}
