/* A tc egress rewriter: marks the DSCP of UDP traffic to a configured port and rewrites that destination port,
 * keeping the IPv4 header checksum (bpf_l3_csum_replace) and the UDP checksum (bpf_l4_csum_replace) correct. */
#include "rw_defs.h"

#define IP_OFFSET sizeof(struct ethhdr)
#define TOS_OFFSET (IP_OFFSET + __builtin_offsetof(struct iphdr, tos))
#define IP_CSUM_OFFSET (IP_OFFSET + __builtin_offsetof(struct iphdr, check))
#define UDP_OFFSET (IP_OFFSET + sizeof(struct iphdr))
#define UDP_DPORT_OFFSET (UDP_OFFSET + __builtin_offsetof(struct udphdr, dest))
#define UDP_CSUM_OFFSET (UDP_OFFSET + __builtin_offsetof(struct udphdr, check))

struct rewrite { __u16 from_port; __u16 to_port; __u8 dscp; __u8 pad[3]; };

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct rewrite); } rewrite_config SEC(".maps");

SEC("tc")
int egress_rewriter(struct __sk_buff *skb)
{
	__u32 zero = 0;
	struct rewrite *config = bpf_map_lookup_elem(&rewrite_config, &zero);
	if (!config)
		return TC_ACT_OK;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return TC_ACT_OK;
	if (udp->dest != bpf_htons(config->from_port))
		return TC_ACT_OK;
	/* The checksum helpers take the 16-bit word holding the field, as it is stored: version/ihl, then tos. */
	__u8 new_tos = (config->dscp << 2) | (ip->tos & 3);
	__u16 old_word = *(__u16 *)ip;
	__u16 new_word = (old_word & 0x00ff) | ((__u16)new_tos << 8);
	bpf_l3_csum_replace(skb, IP_CSUM_OFFSET, old_word, new_word, 2);
	bpf_skb_store_bytes(skb, TOS_OFFSET, &new_tos, 1, 0);

	__u16 old_port = bpf_htons(config->from_port);
	__u16 new_port = bpf_htons(config->to_port);
	bpf_l4_csum_replace(skb, UDP_CSUM_OFFSET, old_port, new_port, sizeof(new_port));
	bpf_skb_store_bytes(skb, UDP_DPORT_OFFSET, &new_port, sizeof(new_port), 0);
	skb->priority = config->dscp;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
