using Ebpf.ProgramTypes;

namespace Ebpf.Tests.ProgramTypes;

/// <summary>
/// Context layouts against linux/bpf.h and asm/ptrace.h: offsets and sizes as offsetof/sizeof give them (taken from a C
/// program compiled against this machine's headers), plus the writability and widths of each type's fields.
/// </summary>
public class ContextLayoutTests
{
    [Theory]
    // struct __sk_buff (192 bytes)
    [InlineData("sched_cls", "len", 0, 4)]
    [InlineData("sched_cls", "mark", 8, 4)]
    [InlineData("sched_cls", "priority", 32, 4)]
    [InlineData("sched_cls", "cb", 48, 20)]
    [InlineData("sched_cls", "cb[3]", 60, 4)]
    [InlineData("sched_cls", "hash", 68, 4)]
    [InlineData("sched_cls", "tc_classid", 72, 4)]
    [InlineData("sched_cls", "data", 76, 4)]
    [InlineData("sched_cls", "data_end", 80, 4)]
    [InlineData("sched_cls", "napi_id", 84, 4)]
    [InlineData("sched_cls", "data_meta", 140, 4)]
    [InlineData("sched_cls", "tstamp", 152, 8)]
    [InlineData("sched_cls", "wire_len", 160, 4)]
    [InlineData("sched_cls", "gso_segs", 164, 4)]
    [InlineData("sched_cls", "sk", 168, 8)]
    [InlineData("sched_cls", "gso_size", 176, 4)]
    [InlineData("sched_cls", "tstamp_type", 180, 1)]
    [InlineData("sched_cls", "hwtstamp", 184, 8)]
    [InlineData("cgroup_skb", "family", 88, 4)]
    [InlineData("cgroup_skb", "remote_ip4", 92, 4)]
    [InlineData("cgroup_skb", "local_ip4", 96, 4)]
    [InlineData("cgroup_skb", "remote_ip6", 100, 16)]
    [InlineData("cgroup_skb", "local_ip6", 116, 16)]
    [InlineData("cgroup_skb", "remote_port", 132, 4)]
    [InlineData("cgroup_skb", "local_port", 136, 4)]
    // struct xdp_md (24 bytes)
    [InlineData("xdp", "data_meta", 8, 4)]
    [InlineData("xdp", "egress_ifindex", 20, 4)]
    // struct bpf_sock (80 bytes)
    [InlineData("cgroup_sock", "src_ip4", 24, 4)]
    [InlineData("cgroup_sock", "src_ip6", 28, 16)]
    [InlineData("cgroup_sock", "src_port", 44, 4)]
    [InlineData("cgroup_sock", "dst_port", 48, 2)]
    [InlineData("cgroup_sock", "dst_ip4", 52, 4)]
    [InlineData("cgroup_sock", "dst_ip6", 56, 16)]
    [InlineData("cgroup_sock", "state", 72, 4)]
    [InlineData("cgroup_sock", "rx_queue_mapping", 76, 4)]
    // struct bpf_sock_addr (72 bytes)
    [InlineData("cgroup_sock_addr", "user_ip6", 8, 16)]
    [InlineData("cgroup_sock_addr", "user_port", 24, 4)]
    [InlineData("cgroup_sock_addr", "family", 28, 4)]
    [InlineData("cgroup_sock_addr", "type", 32, 4)]
    [InlineData("cgroup_sock_addr", "protocol", 36, 4)]
    [InlineData("cgroup_sock_addr", "msg_src_ip4", 40, 4)]
    [InlineData("cgroup_sock_addr", "msg_src_ip6", 44, 16)]
    [InlineData("cgroup_sock_addr", "sk", 64, 8)]
    // struct bpf_sock_ops
    [InlineData("sock_ops", "args", 4, 16)]
    [InlineData("sock_ops", "reply", 4, 4)]
    [InlineData("sock_ops", "family", 20, 4)]
    [InlineData("sock_ops", "remote_ip6", 32, 16)]
    [InlineData("sock_ops", "local_ip6", 48, 16)]
    [InlineData("sock_ops", "remote_port", 64, 4)]
    [InlineData("sock_ops", "is_fullsock", 72, 4)]
    [InlineData("sock_ops", "bpf_sock_ops_cb_flags", 84, 4)]
    [InlineData("sock_ops", "sacked_out", 160, 4)]
    [InlineData("sock_ops", "sk_txhash", 164, 4)]
    [InlineData("sock_ops", "bytes_received", 168, 8)]
    [InlineData("sock_ops", "bytes_acked", 176, 8)]
    [InlineData("sock_ops", "sk", 184, 8)]
    [InlineData("sock_ops", "skb_data", 192, 8)]
    [InlineData("sock_ops", "skb_data_end", 200, 8)]
    [InlineData("sock_ops", "skb_len", 208, 4)]
    [InlineData("sock_ops", "skb_tcp_flags", 212, 4)]
    // struct pt_regs (x86-64, 168 bytes) and struct bpf_perf_event_data (184 bytes)
    [InlineData("kprobe", "rax", 80, 8)]
    [InlineData("kprobe", "rdi", 112, 8)]
    [InlineData("kprobe", "orig_rax", 120, 8)]
    [InlineData("kprobe", "rip", 128, 8)]
    [InlineData("kprobe", "ss", 160, 8)]
    [InlineData("perf_event", "regs.rip", 128, 8)]
    [InlineData("perf_event", "sample_period", 168, 8)]
    [InlineData("perf_event", "addr", 176, 8)]
    [InlineData("raw_tracepoint", "args[11]", 88, 8)]
    public void Field_offsets_and_sizes_are_the_headers(string typeName, string field, int offset, int size)
    {
        var found = KnownProgramTypes.Find(typeName)!.Field(field);
        Assert.Equal((offset, size), (found.Offset, found.Size));
    }

    [Theory]
    [InlineData("socket_filter", 192)]
    [InlineData("sched_cls", 192)]
    [InlineData("cgroup_skb", 192)]
    [InlineData("lwt_xmit", 192)]
    [InlineData("xdp", 24)]
    [InlineData("cgroup_sock", 80)]
    [InlineData("cgroup_sock_addr", 72)]
    [InlineData("sock_ops", 224)]
    [InlineData("kprobe", 168)]
    [InlineData("perf_event", 184)]
    [InlineData("raw_tracepoint", 96)]
    [InlineData("tracepoint", 8192)]
    public void Context_sizes(string typeName, int size) => Assert.Equal(size, KnownProgramTypes.Find(typeName)!.ContextSize);

    [Theory]
    [InlineData("socket_filter", "cb")]
    [InlineData("sched_cls", "cb,mark,priority,queue_mapping,tc_classid,tc_index,tstamp")]
    [InlineData("cgroup_skb", "cb,mark,priority,tstamp")]
    [InlineData("lwt_in", "cb,mark,priority")]
    [InlineData("xdp", "")]
    [InlineData("kprobe", "")]
    [InlineData("perf_event", "")]
    [InlineData("raw_tracepoint", "")]
    [InlineData("tracepoint", "")]
    [InlineData("sock_ops", "reply,sk_txhash")]
    [InlineData("cgroup_sock", "bound_dev_if,mark,priority")]
    [InlineData("cgroup_sock_addr", "msg_src_ip4,msg_src_ip6,user_ip4,user_ip6,user_port")]
    public void Writable_fields(string typeName, string writable) =>
        Assert.Equal(writable, string.Join(",", KnownProgramTypes.Find(typeName)!.Fields.Where(f => f.Writable).Select(f => f.Name).Order(StringComparer.Ordinal)));

    [Theory]
    // narrow loads of __sk_buff words, whole-only loads of packet pointers and socket addresses
    [InlineData("sched_cls", 9, 1, false, true)]
    [InlineData("sched_cls", 10, 2, false, true)]
    [InlineData("sched_cls", 8, 2, true, false)]
    [InlineData("sched_cls", 76, 2, false, false)]
    [InlineData("sched_cls", 48, 8, true, true)]
    [InlineData("sched_cls", 64, 8, false, false)]
    [InlineData("sched_cls", 67, 1, true, true)]
    [InlineData("sched_cls", 152, 4, false, false)]
    [InlineData("sched_cls", 184, 8, true, false)]
    [InlineData("sched_cls", 180, 1, false, true)]
    [InlineData("sched_cls", 181, 1, false, false)]
    [InlineData("socket_filter", 76, 4, false, false)]
    [InlineData("socket_filter", 8, 4, true, false)]
    [InlineData("socket_filter", 168, 8, false, true)]
    [InlineData("cgroup_skb", 93, 1, false, false)]
    [InlineData("cgroup_skb", 132, 2, false, true)]
    [InlineData("xdp", 12, 2, false, false)]
    [InlineData("xdp", 20, 4, false, false)]
    [InlineData("kprobe", 84, 4, false, true)]
    [InlineData("kprobe", 168, 1, false, false)]
    [InlineData("perf_event", 84, 4, false, false)]
    [InlineData("perf_event", 172, 4, false, true)]
    [InlineData("raw_tracepoint", 95, 1, false, true)]
    [InlineData("raw_tracepoint", 96, 1, false, false)]
    [InlineData("raw_tracepoint", 0, 8, true, false)]
    [InlineData("tracepoint", 4, 4, false, false)]
    [InlineData("tracepoint", 8, 8, false, true)]
    [InlineData("tracepoint", 8184, 8, false, true)]
    [InlineData("tracepoint", 8192, 1, false, false)]
    [InlineData("sock_ops", 4, 4, true, true)]
    [InlineData("sock_ops", 8, 4, true, false)]
    [InlineData("sock_ops", 172, 4, false, false)]
    [InlineData("sock_ops", 212, 1, false, true)]
    [InlineData("sock_ops", 213, 1, false, false)]
    public void Access_rules(string typeName, int offset, int size, bool write, bool allowed) =>
        Assert.Equal(allowed, KnownProgramTypes.Find(typeName)!.FindAccess(offset, size, write) is not null);

    [Theory]
    [InlineData("xdp", 20, null, false)]
    [InlineData("xdp", 20, AttachTypeId.XdpDevmap, true)]
    [InlineData("cgroup_sock_addr", 4, AttachTypeId.CgroupInet4Connect, true)]
    [InlineData("cgroup_sock_addr", 4, AttachTypeId.CgroupInet6Connect, false)]
    [InlineData("cgroup_sock_addr", 8, AttachTypeId.CgroupInet6Connect, true)]
    [InlineData("cgroup_sock_addr", 40, AttachTypeId.CgroupUdp4Sendmsg, true)]
    [InlineData("cgroup_sock_addr", 40, AttachTypeId.CgroupInet4Connect, false)]
    [InlineData("cgroup_sock", 16, AttachTypeId.CgroupInetSockCreate, true)]
    [InlineData("cgroup_sock", 16, AttachTypeId.CgroupInet4PostBind, false)]
    [InlineData("cgroup_sock", 24, AttachTypeId.CgroupInet4PostBind, true)]
    public void Attach_types_decide_some_fields(string typeName, int offset, AttachTypeId? attach, bool allowed) =>
        Assert.Equal(allowed, KnownProgramTypes.Find(typeName)!.FindAccess(offset, 4, write: false, attach) is not null);

    [Fact]
    public void Socket_address_ip6_fields_take_8_byte_loads_and_stores_at_8_byte_offsets()
    {
        var type = KnownProgramTypes.CgroupSockAddr;
        Assert.NotNull(type.FindAccess(8, 8, write: true, AttachTypeId.CgroupInet6Connect));
        Assert.NotNull(type.FindAccess(48, 8, write: false, AttachTypeId.CgroupUdp6Sendmsg));
        Assert.Null(type.FindAccess(56, 8, write: false, AttachTypeId.CgroupUdp6Sendmsg));   // would run past msg_src_ip6
        Assert.Null(type.FindAccess(8, 2, write: true, AttachTypeId.CgroupInet6Connect));
    }

    [Fact]
    public void Pointer_fields_say_what_they_load()
    {
        Assert.Equal([76, 80, 140], KnownProgramTypes.SchedCls.PointerFieldOffsets);
        Assert.Equal([76, 80], KnownProgramTypes.CgroupSkb.PointerFieldOffsets);
        Assert.Empty(KnownProgramTypes.SocketFilter.PointerFieldOffsets);
        Assert.Equal(ContextFieldKind.SocketOrNull, KnownProgramTypes.SchedCls.Field("sk").Kind);
        Assert.Equal(ContextFieldKind.Socket, KnownProgramTypes.CgroupSockAddr.Field("sk").Kind);
        // sock_ops' 64-bit packet pointers hold the pointer itself: no rewrite.
        Assert.Equal(ContextFieldKind.PacketStart, KnownProgramTypes.SockOps.Field("skb_data").Kind);
        Assert.Empty(KnownProgramTypes.SockOps.PointerFieldOffsets);
    }

    [Fact]
    public void Unknown_fields_are_named_with_the_known_ones()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => KnownProgramTypes.Xdp.Field("len"));
        Assert.Equal("the xdp context has no field 'len'; its fields are data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex", error.Message);
        Assert.Throws<KeyNotFoundException>(() => KnownProgramTypes.SchedCls.Field("cb[5]"));
    }

    [Theory]
    [InlineData("xdp", null, null, null)]
    [InlineData("cgroup_skb", null, 0L, 1L)]
    [InlineData("cgroup_skb", AttachTypeId.CgroupInetEgress, 0L, 3L)]
    [InlineData("cgroup_sock", null, 0L, 1L)]
    [InlineData("sock_ops", null, 0L, 1L)]
    [InlineData("cgroup_sock_addr", AttachTypeId.CgroupInet4Connect, 0L, 1L)]
    [InlineData("cgroup_sock_addr", AttachTypeId.CgroupUdp4Recvmsg, 1L, 1L)]
    [InlineData("cgroup_sock_addr", AttachTypeId.CgroupInet6Bind, 0L, 3L)]
    [InlineData("kprobe", null, null, null)]
    [InlineData("raw_tracepoint", null, null, null)]
    public void Return_ranges(string typeName, AttachTypeId? attach, long? min, long? max)
    {
        var range = KnownProgramTypes.Find(typeName)!.ReturnRangeFor(attach);
        Assert.Equal(min, range?.Min);
        Assert.Equal(max, range?.Max);
    }
}
