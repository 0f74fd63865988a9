/* REJECTED by the kernel: a firewall that checks the Ethernet header's bounds but then reads the IPv4 source address
 * without checking that the IP header is inside the packet ("invalid access to packet"). */
#include "rw_defs.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 128); __type(key, __u32); __type(value, __u32); } denied_sources SEC(".maps");

SEC("xdp")
int reject_missing_bounds(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	__u32 source = ip->saddr;
	return bpf_map_lookup_elem(&denied_sources, &source) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
