/*
 * XDP reflector: sends an IPv4 packet back where it came from. Swaps the Ethernet and IPv4 addresses, decrements
 * the TTL (updating the header checksum incrementally, RFC 1624), trims Ethernet padding after the IPv4 datagram
 * with bpf_xdp_adjust_tail, and returns XDP_TX. Non-IPv4 frames pass; malformed IPv4 and expiring TTLs are dropped.
 * Uses no maps, so its results can be compared with the kernel's.
 */
#include "bpf_examples.h"

/* Folds a 32-bit ones'-complement sum into 16 bits. */
static __always_inline __u16 fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* HC' = ~(~HC + ~m + m'): the checksum after one 16-bit header word changed from old_word to new_word. */
static __always_inline __u16 checksum_replace(__u16 check, __u16 old_word, __u16 new_word)
{
	return ~fold((__u32)(__u16)~check + (__u16)~old_word + new_word);
}

SEC("xdp")
int reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if ((void *)(ip + 1) > data_end)
		return XDP_DROP;
	__u32 total_length = bpf_ntohs(ip->tot_len);
	__u32 frame_length = data_end - data;
	if (ip->version != 4 || ip->ihl < 5 || total_length < ip->ihl * 4u || ETH_HLEN + total_length > frame_length)
		return XDP_DROP;
	if (ip->ttl <= 1)
		return XDP_DROP;

	__u8 mac[ETH_ALEN];
	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);

	/* Swapping the addresses leaves the checksum as it is: the ones'-complement sum does not depend on order. */
	__be32 address = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = address;

	/* TTL and protocol share one 16-bit word of the header. */
	__u16 *ttl_word = (__u16 *)&ip->ttl;
	__u16 old_word = *ttl_word;
	ip->ttl--;
	ip->check = checksum_replace(ip->check, old_word, *ttl_word);

	int padding = frame_length - ETH_HLEN - total_length;
	if (padding > 0 && bpf_xdp_adjust_tail(ctx, -padding) < 0)
		return XDP_ABORTED;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
