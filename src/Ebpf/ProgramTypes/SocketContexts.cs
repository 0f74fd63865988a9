namespace Ebpf.ProgramTypes;

/// <summary>
/// The socket-level contexts of linux/bpf.h with the kernel's access rules (net/core/filter.c):
/// <c>struct bpf_sock</c> (cgroup_sock), <c>struct bpf_sock_addr</c> (cgroup_sock_addr), <c>struct bpf_sock_ops</c> (sock_ops).
/// </summary>
public static class SocketContexts
{
    /// <summary>sizeof(struct bpf_sock).</summary>
    public const int SockSize = 80;

    /// <summary>sizeof(struct bpf_sock_addr).</summary>
    public const int SockAddrSize = 72;

    /// <summary>
    /// sizeof(struct bpf_sock_ops) in the running kernel (6.18), which ends with skb_hwtstamp; the linux/bpf.h on
    /// this machine predates that field and says 216.
    /// </summary>
    public const int SockOpsSize = 224;

    private static readonly AttachTypeId[] SockCreateOrRelease = [AttachTypeId.CgroupInetSockCreate, AttachTypeId.CgroupInetSockRelease];

    /// <summary>
    /// <c>struct bpf_sock</c> for cgroup_sock programs (<c>sock_filter_is_valid_access</c>): bound_dev_if, mark and
    /// priority are read-write at sock create/release only; source address and port only after bind; the rest read-only.
    /// </summary>
    public static IReadOnlyList<ContextField> Sock { get; } =
    [
        new ContextField("bound_dev_if", 0, 4, Writable: true) { AttachTypes = SockCreateOrRelease },
        // These read smaller kernel fields (skc_family, sk_type, sk_protocol): narrow loads only at their first byte.
        StartWord("family", 4), StartWord("type", 8), StartWord("protocol", 12),
        new ContextField("mark", 16, 4, Writable: true) { AttachTypes = SockCreateOrRelease },
        new ContextField("priority", 20, 4, Writable: true) { AttachTypes = SockCreateOrRelease },
        NarrowWord("src_ip4", 24) with { AttachTypes = [AttachTypeId.CgroupInet4PostBind] },
        new ContextField("src_ip6", 28, 16) { ReadSizes = AccessSizesExtensions.UpTo(4), ElementSize = 4, AttachTypes = [AttachTypeId.CgroupInet6PostBind] },
        StartWord("src_port", 44) with { AttachTypes = [AttachTypeId.CgroupInet4PostBind, AttachTypeId.CgroupInet6PostBind] },
        // dst_port is a __be16 followed by padding: narrow loads of its two bytes, or one 4-byte load of both.
        new ContextField("dst_port", 48, 2).Narrow(),
        new ContextField("dst_port", 48, 4),
        NarrowWord("dst_ip4", 52),
        new ContextField("dst_ip6", 56, 16) { ReadSizes = AccessSizesExtensions.UpTo(4), ElementSize = 4 },
        StartWord("state", 72), StartWord("rx_queue_mapping", 76),
    ];

    private static readonly AttachTypeId[] Inet4Address =
    [
        AttachTypeId.CgroupInet4Bind, AttachTypeId.CgroupInet4Connect, AttachTypeId.CgroupInet4Getpeername,
        AttachTypeId.CgroupInet4Getsockname, AttachTypeId.CgroupUdp4Sendmsg, AttachTypeId.CgroupUdp4Recvmsg,
    ];

    private static readonly AttachTypeId[] Inet6Address =
    [
        AttachTypeId.CgroupInet6Bind, AttachTypeId.CgroupInet6Connect, AttachTypeId.CgroupInet6Getpeername,
        AttachTypeId.CgroupInet6Getsockname, AttachTypeId.CgroupUdp6Sendmsg, AttachTypeId.CgroupUdp6Recvmsg,
    ];

    /// <summary>
    /// <c>struct bpf_sock_addr</c> for cgroup_sock_addr programs (<c>sock_addr_is_valid_access</c>): IPv4 fields only
    /// under IPv4 attach types and IPv6 ones under IPv6; addresses and port load narrow and store whole, IPv6 ones also
    /// as 8-byte halves; <c>sk</c> loads as a socket pointer.
    /// </summary>
    public static IReadOnlyList<ContextField> SockAddr { get; } =
    [
        new ContextField("user_family", 0, 4),
        NarrowWord("user_ip4", 4, writable: true) with { AttachTypes = Inet4Address },
        Ip6("user_ip6", 8) with { AttachTypes = Inet6Address },
        NarrowWord("user_port", 24, writable: true),
        new ContextField("family", 28, 4), new ContextField("type", 32, 4), new ContextField("protocol", 36, 4),
        NarrowWord("msg_src_ip4", 40, writable: true) with { AttachTypes = [AttachTypeId.CgroupUdp4Sendmsg] },
        Ip6("msg_src_ip6", 44) with { AttachTypes = [AttachTypeId.CgroupUdp6Sendmsg] },
        new ContextField("sk", 64, 8, ContextFieldKind.Socket),
    ];

    /// <summary>
    /// <c>struct bpf_sock_ops</c> for sock_ops programs (<c>sock_ops_is_valid_access</c>): every field loads whole
    /// (4 bytes) except the 64-bit counters, pointers and skb_hwtstamp; skb_tcp_flags loads narrow; only reply and sk_txhash are writable.
    /// </summary>
    public static IReadOnlyList<ContextField> SockOps { get; } = BuildSockOps();

    private static ContextField[] BuildSockOps()
    {
        var fields = new List<ContextField>
        {
            new("op", 0, 4),
            new("reply", 4, 4, Writable: true),
            new("args", 4, 16) { ElementSize = 4 },
            new("family", 20, 4), new("remote_ip4", 24, 4), new("local_ip4", 28, 4),
            new("remote_ip6", 32, 16) { ElementSize = 4 }, new("local_ip6", 48, 16) { ElementSize = 4 },
        };
        string[] words =
        [
            "remote_port", "local_port", "is_fullsock", "snd_cwnd", "srtt_us", "bpf_sock_ops_cb_flags", "state", "rtt_min",
            "snd_ssthresh", "rcv_nxt", "snd_nxt", "snd_una", "mss_cache", "ecn_flags", "rate_delivered", "rate_interval_us",
            "packets_out", "retrans_out", "total_retrans", "segs_in", "data_segs_in", "segs_out", "data_segs_out",
            "lost_out", "sacked_out",
        ];
        for (int i = 0; i < words.Length; i++) fields.Add(new ContextField(words[i], 64 + 4 * i, 4));
        fields.Add(new ContextField("sk_txhash", 164, 4, Writable: true));
        fields.Add(new ContextField("bytes_received", 168, 8));
        fields.Add(new ContextField("bytes_acked", 176, 8));
        fields.Add(new ContextField("sk", 184, 8, ContextFieldKind.SocketOrNull));
        fields.Add(new ContextField("skb_data", 192, 8, ContextFieldKind.PacketStart));
        fields.Add(new ContextField("skb_data_end", 200, 8, ContextFieldKind.PacketEnd));
        fields.Add(new ContextField("skb_len", 208, 4));
        fields.Add(new ContextField("skb_tcp_flags", 212, 4).NarrowAtStart());
        fields.Add(new ContextField("skb_hwtstamp", 216, 8));
        return [.. fields];
    }

    private static ContextField StartWord(string name, int offset) => new ContextField(name, offset, 4).NarrowAtStart();

    private static ContextField NarrowWord(string name, int offset, bool writable = false) =>
        new ContextField(name, offset, 4, Writable: writable).Narrow();

    /// <summary>An IPv6 address of bpf_sock_addr: loads of 1, 2, 4 or 8 bytes, stores of 4 or 8 (<c>bpf_ctx_wide_access_ok</c>).</summary>
    private static ContextField Ip6(string name, int offset) => new(name, offset, 16, Writable: true)
    {
        ReadSizes = AccessSizesExtensions.UpTo(8), WriteSizes = AccessSizes.Word | AccessSizes.DoubleWord, ElementSize = 4,
    };
}
