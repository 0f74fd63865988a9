/* Subprograms as real programs factor them: static noinline functions that validate an IPv4 header (a checksum over
 * its words in a bounded loop, the version and lengths), and that swap the addresses and MACs to answer a packet. */
#include "rw_defs.h"

static __noinline int ipv4_checksum_ok(struct iphdr *ip, void *data_end)
{
	__u32 sum = 0;
	__u16 *word = (__u16 *)ip;
	for (int i = 0; i < 30; i++) {
		if (i >= ip->ihl * 2)
			break;
		if ((void *)(word + i + 1) > data_end)
			return 0;
		sum += word[i];
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static __noinline int ipv4_header_ok(struct iphdr *ip, void *data_end)
{
	if ((void *)(ip + 1) > data_end)
		return 0;
	if (ip->version != 4 || ip->ihl < 5)
		return 0;
	if (bpf_ntohs(ip->tot_len) < ip->ihl * 4)
		return 0;
	return ipv4_checksum_ok(ip, data_end);
}

static __noinline void swap_addresses(struct ethhdr *eth, struct iphdr *ip)
{
	__u8 mac[ETH_ALEN];
	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	__u32 addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
}

SEC("xdp")
int header_checksum(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	if (!ipv4_header_ok(ip, data_end))
		return XDP_DROP;
	if ((void *)(ip + 1) > data_end)
		return XDP_DROP;
	if (ip->protocol == IPPROTO_ICMP) {
		swap_addresses(eth, ip);
		return XDP_TX;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
