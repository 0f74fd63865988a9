namespace Ebpf.ProgramTypes;

/// <summary>Which program family's rules apply to a <c>struct __sk_buff</c> (each has its own <c>*_is_valid_access</c> in net/core/filter.c).</summary>
public enum SkBuffRules
{
    /// <summary><c>sk_filter_is_valid_access</c>: no packet pointers, no socket addresses, only cb[] writable.</summary>
    SocketFilter,
    /// <summary><c>tc_cls_act_is_valid_access</c>: packet pointers with metadata, the most writable fields.</summary>
    TrafficControl,
    /// <summary><c>cg_skb_is_valid_access</c> (as a privileged loader): packet pointers, socket addresses, mark/priority/cb/tstamp writable.</summary>
    CgroupSkb,
    /// <summary><c>lwt_is_valid_access</c>: packet pointers, mark/priority/cb writable.</summary>
    LightweightTunnel,
}

/// <summary><c>struct __sk_buff</c> (linux/bpf.h, 192 bytes): its offsets and the fields each program family may touch.</summary>
public static class SkBuffContext
{
    /// <summary>sizeof(struct __sk_buff).</summary>
    public const int Size = 192;

    /// <summary>Field offsets (offsetof in linux/bpf.h).</summary>
    public const int Len = 0, PktType = 4, Mark = 8, QueueMapping = 12, Protocol = 16, VlanPresent = 20, VlanTci = 24,
        VlanProto = 28, Priority = 32, IngressIfindex = 36, Ifindex = 40, TcIndex = 44, Cb = 48, CbSize = 20, Hash = 68,
        TcClassid = 72, Data = 76, DataEnd = 80, NapiId = 84, Family = 88, RemoteIp4 = 92, LocalIp4 = 96, RemoteIp6 = 100,
        LocalIp6 = 116, RemotePort = 132, LocalPort = 136, DataMeta = 140, FlowKeys = 144, Tstamp = 152, WireLen = 160,
        GsoSegs = 164, Sk = 168, GsoSize = 176, TstampType = 180, Hwtstamp = 184;

    /// <summary>The fields programs under <paramref name="rules"/> may access, in offset order.</summary>
    public static IReadOnlyList<ContextField> Fields(SkBuffRules rules)
    {
        bool tc = rules == SkBuffRules.TrafficControl;
        bool filter = rules == SkBuffRules.SocketFilter;
        bool cgroup = rules == SkBuffRules.CgroupSkb;
        // Every family may write cb[]; these add mark and priority, tc more still.
        bool markAndPriority = !filter;

        var fields = new List<ContextField>
        {
            Word("len", Len), Word("pkt_type", PktType), Word("mark", Mark, markAndPriority),
            Word("queue_mapping", QueueMapping, tc), Word("protocol", Protocol), Word("vlan_present", VlanPresent),
            Word("vlan_tci", VlanTci), Word("vlan_proto", VlanProto), Word("priority", Priority, markAndPriority),
            Word("ingress_ifindex", IngressIfindex), Word("ifindex", Ifindex), Word("tc_index", TcIndex, tc),
            // cb[] takes any aligned width inside it, loads and stores alike.
            new ContextField("cb", Cb, CbSize, Writable: true)
            {
                ReadSizes = AccessSizesExtensions.UpTo(8), WriteSizes = AccessSizesExtensions.UpTo(8), ElementSize = 4,
            },
            Word("hash", Hash),
        };
        if (tc) fields.Add(Word("tc_classid", TcClassid, writable: true));
        if (!filter)
        {
            fields.Add(new ContextField("data", Data, 4, ContextFieldKind.PacketStart));
            fields.Add(new ContextField("data_end", DataEnd, 4, ContextFieldKind.PacketEnd));
        }
        fields.Add(Word("napi_id", NapiId));
        if (cgroup)
        {
            // Socket addresses: only sk_skb and cgroup skb programs see them; the addresses load only whole.
            fields.Add(Word("family", Family));
            fields.Add(new ContextField("remote_ip4", RemoteIp4, 4));
            fields.Add(new ContextField("local_ip4", LocalIp4, 4));
            fields.Add(new ContextField("remote_ip6", RemoteIp6, 16) { ElementSize = 4 });
            fields.Add(new ContextField("local_ip6", LocalIp6, 16) { ElementSize = 4 });
            fields.Add(Word("remote_port", RemotePort));
            fields.Add(Word("local_port", LocalPort));
        }
        if (tc) fields.Add(new ContextField("data_meta", DataMeta, 4, ContextFieldKind.PacketMeta));
        if (tc || cgroup)
            fields.Add(new ContextField("tstamp", Tstamp, 8, Writable: true));
        if (tc) fields.Add(Word("wire_len", WireLen));
        fields.Add(Word("gso_segs", GsoSegs));
        fields.Add(new ContextField("sk", Sk, 8, ContextFieldKind.SocketOrNull));
        fields.Add(Word("gso_size", GsoSize));
        if (tc) fields.Add(new ContextField("tstamp_type", TstampType, 1));
        if (tc || cgroup) fields.Add(new ContextField("hwtstamp", Hwtstamp, 8));
        return fields;
    }

    /// <summary>A 32-bit field: loads of any aligned part (narrow loads), stores only whole.</summary>
    private static ContextField Word(string name, int offset, bool writable = false) =>
        new ContextField(name, offset, 4, Writable: writable).Narrow();
}
