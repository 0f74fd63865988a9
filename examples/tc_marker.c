/*
 * tc classifier, a tiny firewall: drops IPv4 packets whose source address is in blocked_sources (counting the drops
 * in the map's value) and lets everything else through, marking it. Headers are read through direct packet access.
 *   skb->mark = MARK_IPV4 for IPv4 packets let through, MARK_OTHER for anything else;
 *   skb->cb[0] = the IPv4 protocol number (0 when not IPv4), for a later program in the chain.
 */
#include "bpf_examples.h"

#define MARK_IPV4 0x4
#define MARK_OTHER 0x1

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __be32);   /* IPv4 source address, network byte order */
	__type(value, __u64);  /* packets dropped */
} blocked_sources SEC(".maps");

SEC("tc")
int firewall(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	skb->cb[0] = 0;
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
		skb->mark = MARK_OTHER;
		return TC_ACT_OK;
	}
	__be32 source = ip->saddr;
	__u64 *dropped = bpf_map_lookup_elem(&blocked_sources, &source);
	if (dropped) {
		__sync_fetch_and_add(dropped, 1);
		return TC_ACT_SHOT;
	}
	skb->cb[0] = ip->protocol;
	skb->mark = MARK_IPV4;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
