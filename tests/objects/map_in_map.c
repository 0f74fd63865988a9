/* An array of maps with a declared inner map template and one initial inner map. */
#include "bpf_defs.h"

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} inner_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { [1] = &inner_a },
};

SEC("xdp")
int lookup_inner(struct xdp_md *ctx)
{
	__u32 key = 1;
	void *inner = bpf_map_lookup_elem(&outer, &key);
	if (!inner)
		return 1;
	__u32 *value = bpf_map_lookup_elem(inner, &key);
	return value ? *value : 0;
}

char LICENSE[] SEC("license") = "GPL";
