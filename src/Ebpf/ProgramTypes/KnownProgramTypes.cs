namespace Ebpf.ProgramTypes;

/// <summary>The program types the user-space runtime runs, with the kernel's context layouts (linux/bpf.h).</summary>
public static class KnownProgramTypes
{
    /// <summary>BPF_PROG_TYPE_SOCKET_FILTER (1): <c>struct __sk_buff</c>, packet from the network header.</summary>
    public static ProgramType SocketFilter { get; } = new("socket_filter", 1, SkBuff.Size, SkBuff.Fields(directPacketAccess: false),
        PacketLayout.SkbFromNetworkLayer, new Dictionary<uint, string>());

    /// <summary>BPF_PROG_TYPE_SCHED_CLS (3): tc classifier on <c>struct __sk_buff</c>, packet from the Ethernet header.</summary>
    public static ProgramType SchedCls { get; } = new("sched_cls", 3, SkBuff.Size, SkBuff.Fields(directPacketAccess: true),
        PacketLayout.SkbFromLinkLayer, TcActions);

    /// <summary>BPF_PROG_TYPE_SCHED_ACT (4): tc action, as <see cref="SchedCls"/>.</summary>
    public static ProgramType SchedAct { get; } = SchedCls with { Name = "sched_act", KernelId = 4 };

    /// <summary>BPF_PROG_TYPE_XDP (6): <c>struct xdp_md</c>.</summary>
    public static ProgramType Xdp { get; } = new("xdp", 6, 24,
    [
        new("data", 0, 4, ContextFieldKind.PacketStart),
        new("data_end", 4, 4, ContextFieldKind.PacketEnd),
        new("data_meta", 8, 4, ContextFieldKind.PacketMeta),
        new("ingress_ifindex", 12, 4),
        new("rx_queue_index", 16, 4),
        new("egress_ifindex", 20, 4),
    ], PacketLayout.Xdp, new Dictionary<uint, string>
    {
        [0] = "XDP_ABORTED", [1] = "XDP_DROP", [2] = "XDP_PASS", [3] = "XDP_TX", [4] = "XDP_REDIRECT",
    });

    /// <summary>Every program type here, by name.</summary>
    public static IReadOnlyList<ProgramType> All { get; } = [SocketFilter, SchedCls, SchedAct, Xdp];

    private static IReadOnlyDictionary<uint, string> TcActions => new Dictionary<uint, string>
    {
        [0] = "TC_ACT_OK", [1] = "TC_ACT_RECLASSIFY", [2] = "TC_ACT_SHOT", [3] = "TC_ACT_PIPE", [4] = "TC_ACT_STOLEN",
        [5] = "TC_ACT_QUEUED", [6] = "TC_ACT_REPEAT", [7] = "TC_ACT_REDIRECT", [uint.MaxValue] = "TC_ACT_UNSPEC",
    };

    /// <summary><c>struct __sk_buff</c> (192 bytes).</summary>
    internal static class SkBuff
    {
        public const int Size = 192;
        public const int Len = 0, PktType = 4, Mark = 8, QueueMapping = 12, Protocol = 16, VlanPresent = 20, VlanTci = 24,
            VlanProto = 28, Priority = 32, IngressIfindex = 36, Ifindex = 40, TcIndex = 44, Cb = 48, Hash = 68, TcClassid = 72,
            Data = 76, DataEnd = 80, NapiId = 84, Family = 88, DataMeta = 140, Tstamp = 152, WireLen = 160, GsoSegs = 164,
            GsoSize = 176;

        /// <summary>The fields of <c>__sk_buff</c>; tc programs (<paramref name="directPacketAccess"/>) see more than socket filters.</summary>
        public static IReadOnlyList<ContextField> Fields(bool directPacketAccess)
        {
            var fields = new List<ContextField>
            {
                new("len", Len, 4), new("pkt_type", PktType, 4), new("mark", Mark, 4, Writable: true),
                new("queue_mapping", QueueMapping, 4, Writable: true), new("protocol", Protocol, 4),
                new("vlan_present", VlanPresent, 4), new("vlan_tci", VlanTci, 4), new("vlan_proto", VlanProto, 4),
                new("priority", Priority, 4, Writable: true), new("ingress_ifindex", IngressIfindex, 4), new("ifindex", Ifindex, 4),
                new("tc_index", TcIndex, 4, Writable: true),
            };
            for (int i = 0; i < 5; i++) fields.Add(new($"cb[{i}]", Cb + 4 * i, 4, Writable: true));
            fields.Add(new("hash", Hash, 4));
            if (directPacketAccess)
            {
                // tc only: the kernel's verifier refuses these fields in socket filters.
                fields.Add(new("tc_classid", TcClassid, 4, Writable: true));
                fields.Add(new("data", Data, 4, ContextFieldKind.PacketStart));
                fields.Add(new("data_end", DataEnd, 4, ContextFieldKind.PacketEnd));
                fields.Add(new("data_meta", DataMeta, 4, ContextFieldKind.PacketMeta));
            }
            fields.Add(new("napi_id", NapiId, 4));
            fields.Add(new("tstamp", Tstamp, 8, Writable: true));
            if (directPacketAccess) fields.Add(new("wire_len", WireLen, 4));
            fields.Add(new("gso_segs", GsoSegs, 4));
            fields.Add(new("gso_size", GsoSize, 4));
            return fields;
        }
    }
}
