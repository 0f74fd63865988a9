using Ebpf.ProgramTypes;

namespace Ebpf.Verifier;

/// <summary>The kernel's program type names (BPF_PROG_TYPE_ without the prefix, lower case), for <c>--type</c>.</summary>
public static class ProgramTypeNames
{
    private static readonly string[] Names =
    [
        "unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp", "perf_event", "cgroup_skb",
        "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb", "cgroup_device", "sk_msg", "raw_tracepoint",
        "cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport", "flow_dissector", "cgroup_sysctl",
        "raw_tracepoint_writable", "cgroup_sockopt", "tracing", "struct_ops", "ext", "lsm", "sk_lookup", "syscall", "netfilter",
    ];

    /// <summary>The name of "raw": bytecode whose r1 points to a memory region of r2 bytes.</summary>
    public const string Raw = "raw";

    /// <summary>Parses a kernel program type name in any case (<c>XDP</c>, <c>sched_cls</c>); null for <see cref="Raw"/>.</summary>
    public static bool TryParse(string name, out ProgramTypeId? type)
    {
        type = null;
        string lower = name.Trim().ToLowerInvariant();
        if (lower.StartsWith("bpf_prog_type_", StringComparison.Ordinal)) lower = lower["bpf_prog_type_".Length..];
        if (lower == Raw) return true;
        int index = Array.IndexOf(Names, lower);
        if (index <= 0) return false;
        type = (ProgramTypeId)index;
        return true;
    }

    /// <summary>The kernel's name of a program type (<c>sched_cls</c>).</summary>
    public static string NameOf(ProgramTypeId type) => (int)type >= 0 && (int)type < Names.Length ? Names[(int)type] : type.ToString();

    /// <summary>Every name <see cref="TryParse"/> accepts.</summary>
    public static IEnumerable<string> All => Names.Skip(1).Append(Raw);
}
