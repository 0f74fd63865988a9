/* An XDP program that counts packets per ingress interface in a BTF-defined hash map. */
#include "bpf_defs.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} packet_counts SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	__u32 ifindex = ctx->ingress_ifindex;
	__u64 *count = bpf_map_lookup_elem(&packet_counts, &ifindex);
	if (count) {
		__sync_fetch_and_add(count, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&packet_counts, &ifindex, &one, 0);
	}
	return 2; /* XDP_PASS */
}

char LICENSE[] SEC("license") = "GPL";
