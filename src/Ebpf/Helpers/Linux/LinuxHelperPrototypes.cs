using static Ebpf.Helpers.HelperArgumentKind;

namespace Ebpf.Helpers.Linux;

/// <summary>
/// The prototypes of the Linux helpers by id, as the kernel declares them (<c>struct bpf_func_proto</c> in
/// kernel/bpf/helpers.c, net/core/filter.c, kernel/trace/bpf_trace.c): what the verifier checks each call against.
/// </summary>
public static class LinuxHelperPrototypes
{
    private static readonly Dictionary<int, (string Name, HelperPrototype Prototype)> ById = new()
    {
        [1] = ("map_lookup_elem", new(HelperReturnKind.MapValueOrNull, [MapPointer, MapKey], AcceptsPacketPointers: true)),
        [2] = ("map_update_elem", HelperPrototype.Integer(MapPointer, MapKey, MapValue, Anything) with { AcceptsPacketPointers = true }),
        [3] = ("map_delete_elem", HelperPrototype.Integer(MapPointer, MapKey) with { AcceptsPacketPointers = true }),
        [4] = ("probe_read", Gpl(WritableMemory, SizeOrZero, Anything)),
        [5] = ("ktime_get_ns", HelperPrototype.Integer()),
        [6] = ("trace_printk", Gpl(ReadableMemory, Size)),   // r3–r5 are not declared: the kernel does not check them
        [7] = ("get_prandom_u32", HelperPrototype.Integer()),
        [8] = ("get_smp_processor_id", HelperPrototype.Integer()),
        [9] = ("skb_store_bytes", Moves(Context, Anything, ReadableMemory, Size, Anything)),
        [10] = ("l3_csum_replace", Moves(Context, Anything, Anything, Anything, Anything)),
        [11] = ("l4_csum_replace", Moves(Context, Anything, Anything, Anything, Anything)),
        [12] = ("tail_call", HelperPrototype.Integer(Context, MapPointer, Anything)),
        [13] = ("clone_redirect", Moves(Context, Anything, Anything)),
        [14] = ("get_current_pid_tgid", HelperPrototype.Integer()),
        [15] = ("get_current_uid_gid", HelperPrototype.Integer()),
        [16] = ("get_current_comm", HelperPrototype.Integer(WritableMemory, Size)),
        [17] = ("get_cgroup_classid", HelperPrototype.Integer(Context)),
        [18] = ("skb_vlan_push", Moves(Context, Anything, Anything)),
        [19] = ("skb_vlan_pop", Moves(Context)),
        [20] = ("skb_get_tunnel_key", HelperPrototype.Integer(Context, WritableMemory, Size, Anything)),
        [21] = ("skb_set_tunnel_key", HelperPrototype.Integer(Context, ReadableMemory, Size, Anything)),
        [22] = ("perf_event_read", HelperPrototype.Integer(MapPointer, Anything)),
        [23] = ("redirect", HelperPrototype.Integer(Anything, Anything)),
        [24] = ("get_route_realm", HelperPrototype.Integer(Context)),
        [25] = ("perf_event_output", Gpl(Context, MapPointer, Anything, ReadableMemory, SizeOrZero)),
        [26] = ("skb_load_bytes", HelperPrototype.Integer(Context, Anything, WritableMemory, Size)),
        [27] = ("get_stackid", Gpl(Context, MapPointer, Anything)),
        [28] = ("csum_diff", HelperPrototype.Integer(ReadableMemory, SizeOrZero, ReadableMemory, SizeOrZero, Anything) with { AcceptsPacketPointers = true }),
        [31] = ("skb_change_proto", Moves(Context, Anything, Anything)),
        [32] = ("skb_change_type", HelperPrototype.Integer(Context, Anything)),
        [34] = ("get_hash_recalc", HelperPrototype.Integer(Context)),
        [35] = ("get_current_task", Gpl()),
        [38] = ("skb_change_tail", Moves(Context, Anything, Anything)),
        [39] = ("skb_pull_data", Moves(Context, Anything)),
        [40] = ("csum_update", HelperPrototype.Integer(Context, Anything)),
        [41] = ("set_hash_invalid", new(HelperReturnKind.Void, [Context])),
        [42] = ("get_numa_node_id", HelperPrototype.Integer()),
        [43] = ("skb_change_head", Moves(Context, Anything, Anything)),
        [44] = ("xdp_adjust_head", Moves(Context, Anything)),
        [45] = ("probe_read_str", Gpl(WritableMemory, SizeOrZero, Anything)),
        [46] = ("get_socket_cookie", HelperPrototype.Integer(Context)),
        [47] = ("get_socket_uid", HelperPrototype.Integer(Context)),
        [48] = ("set_hash", HelperPrototype.Integer(Context, Anything)),
        [50] = ("skb_adjust_room", Moves(Context, Anything, Anything, Anything)),
        [51] = ("redirect_map", HelperPrototype.Integer(MapPointer, Anything, Anything)),
        [54] = ("xdp_adjust_meta", Moves(Context, Anything)),
        [65] = ("xdp_adjust_tail", Moves(Context, Anything)),
        [67] = ("get_stack", Gpl(Context, WritableMemory, SizeOrZero, Anything)),
        [68] = ("skb_load_bytes_relative", HelperPrototype.Integer(Context, Anything, WritableMemory, Size, Anything)),
        [69] = ("fib_lookup", HelperPrototype.Integer(Context, ReadableMemory, Size, Anything)),
        [79] = ("skb_cgroup_id", HelperPrototype.Integer(Context)),
        [80] = ("get_current_cgroup_id", HelperPrototype.Integer()),
        [87] = ("map_push_elem", HelperPrototype.Integer(MapPointer, MapValue, Anything)),
        [88] = ("map_pop_elem", HelperPrototype.Integer(MapPointer, WritableMapValue)),
        [89] = ("map_peek_elem", HelperPrototype.Integer(MapPointer, WritableMapValue)),
        [112] = ("probe_read_user", Gpl(WritableMemory, SizeOrZero, Anything)),
        [113] = ("probe_read_kernel", Gpl(WritableMemory, SizeOrZero, Anything)),
        [114] = ("probe_read_user_str", Gpl(WritableMemory, SizeOrZero, Anything)),
        [115] = ("probe_read_kernel_str", Gpl(WritableMemory, SizeOrZero, Anything)),
        [118] = ("jiffies64", HelperPrototype.Integer()),
        [125] = ("ktime_get_boot_ns", HelperPrototype.Integer()),
        [130] = ("ringbuf_output", HelperPrototype.Integer(MapPointer, ReadableMemory, SizeOrZero, Anything)),
        [131] = ("ringbuf_reserve", new(HelperReturnKind.RingBufferRecordOrNull, [MapPointer, ConstantSize, Anything])),
        [132] = ("ringbuf_submit", new(HelperReturnKind.Void, [RingBufferRecord, Anything])),
        [133] = ("ringbuf_discard", new(HelperReturnKind.Void, [RingBufferRecord, Anything])),
        [134] = ("ringbuf_query", HelperPrototype.Integer(MapPointer, Anything)),
        [160] = ("ktime_get_coarse_ns", HelperPrototype.Integer()),
        [164] = ("for_each_map_elem", HelperPrototype.Integer(MapPointer, Callback, StackOrNull, Anything)),
        [173] = ("get_func_ip", Gpl(Context)),
        [181] = ("loop", HelperPrototype.Integer(Anything, Callback, StackOrNull, Anything)),
        [188] = ("xdp_get_buff_len", HelperPrototype.Integer(Context)),
        [189] = ("xdp_load_bytes", HelperPrototype.Integer(Context, Anything, WritableMemory, Size)),
        [190] = ("xdp_store_bytes", HelperPrototype.Integer(Context, Anything, ReadableMemory, Size)),
        [195] = ("map_lookup_percpu_elem", new(HelperReturnKind.MapValueOrNull, [MapPointer, MapKey, Anything])),
        [208] = ("ktime_get_tai_ns", HelperPrototype.Integer()),
    };

    /// <summary>The prototype of Linux helper <paramref name="id"/>, or null when this table does not describe it.</summary>
    public static HelperPrototype? Find(int id) => ById.TryGetValue(id, out var entry) ? entry.Prototype : null;

    /// <summary>The kernel's name of helper <paramref name="id"/> without the <c>bpf_</c> prefix, or null.</summary>
    public static string? NameOf(int id) => ById.TryGetValue(id, out var entry) ? entry.Name : null;

    /// <summary>Every helper id this table describes.</summary>
    public static IEnumerable<int> Ids => ById.Keys.Order();

    private static HelperPrototype Gpl(params HelperArgumentKind[] arguments) => new(HelperReturnKind.Integer, arguments, GplOnly: true);

    private static HelperPrototype Moves(params HelperArgumentKind[] arguments) => new(HelperReturnKind.Integer, arguments, ChangesPacketData: true);
}
