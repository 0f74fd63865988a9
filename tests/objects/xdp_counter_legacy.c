/* The packet counter with a legacy struct bpf_map_def in the "maps" section, as pre-BTF toolchains wrote it. */
#include "bpf_defs.h"

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") packet_counts = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 64,
	.map_flags = 0,
};

struct bpf_map_def SEC("maps") drops = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 4,
};

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	__u32 ifindex = ctx->ingress_ifindex;
	__u64 *count = bpf_map_lookup_elem(&packet_counts, &ifindex);
	if (count)
		__sync_fetch_and_add(count, 1);
	__u32 zero = 0;
	__u32 *dropped = bpf_map_lookup_elem(&drops, &zero);
	if (dropped)
		return *dropped ? 1 : 2;
	return 2;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
__u32 _version SEC("version") = 0x050a00;
