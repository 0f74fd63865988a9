/*
 * Socket filter: keeps UDP datagrams to port 53 (IPv4, and IPv6 without extension headers) and drops everything
 * else. Returns the packet length to keep a packet whole and 0 to drop it. The packet starts at the network header;
 * it is read with bpf_skb_load_bytes, as socket filters have no direct packet access.
 */
#include "bpf_examples.h"

#define DNS_PORT 53
#define IP_FRAGMENT_MASK 0x3fff /* more-fragments flag and fragment offset */

static __always_inline int udp_to_dns(struct __sk_buff *skb, __u32 udp_offset)
{
	struct udphdr udp;
	if (bpf_skb_load_bytes(skb, udp_offset, &udp, sizeof(udp)) < 0)
		return 0;
	return udp.dest == bpf_htons(DNS_PORT);
}

SEC("socket")
int dns_only(struct __sk_buff *skb)
{
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;
		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) < 0)
			return 0;
		/* Fragments are refused: a later one's payload would be misread as a UDP header, a first one is incomplete. */
		if (ip.version != 4 || ip.ihl < 5 || ip.protocol != IPPROTO_UDP || (ip.frag_off & bpf_htons(IP_FRAGMENT_MASK)))
			return 0;
		return udp_to_dns(skb, ip.ihl * 4) ? skb->len : 0;
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;
		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)) < 0)
			return 0;
		if (ip6.version != 6 || ip6.nexthdr != IPPROTO_UDP)
			return 0;
		return udp_to_dns(skb, sizeof(ip6)) ? skb->len : 0;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
