/* An XDP packet parser: Ethernet, up to two VLAN tags, IPv4 with its options walked by a bounded loop, IPv6 with up to
 * four extension headers (hop-by-hop, routing, destination options, fragment), then TCP or UDP. Counts packets per
 * layer-4 protocol in a per-CPU array and drops TCP packets to port 23. */
#include "rw_defs.h"

struct vlan_hdr { __u16 tci; __u16 proto; };

enum { COUNT_OTHER, COUNT_TCP, COUNT_UDP, COUNT_BAD, COUNT_OPTIONS, COUNT_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, COUNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} parser_counts SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *value = bpf_map_lookup_elem(&parser_counts, &slot);
	if (value)
		*value += 1;
}

SEC("xdp")
int packet_parser(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	__u16 proto = eth->h_proto;
	void *cursor = eth + 1;
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		struct vlan_hdr *vlan = cursor;
		if ((void *)(vlan + 1) > data_end)
			return XDP_DROP;
		proto = vlan->proto;
		cursor = vlan + 1;
	}
	__u8 l4;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = cursor;
		if ((void *)(ip + 1) > data_end)
			return XDP_DROP;
		if (ip->ihl < 5) {
			count(COUNT_BAD);
			return XDP_DROP;
		}
		__u8 *option = (__u8 *)(ip + 1);
		__u8 *options_end = (__u8 *)ip + ip->ihl * 4;
		for (int i = 0; i < 10; i++) {
			if (option >= options_end || option + 1 > (__u8 *)data_end)
				break;
			if (option[0] == 0)
				break;
			if (option[0] == 1) {
				option++;
				continue;
			}
			if (option + 2 > (__u8 *)data_end)
				return XDP_DROP;
			if (option[1] < 2)
				return XDP_DROP;
			count(COUNT_OPTIONS);
			option += option[1];
		}
		l4 = ip->protocol;
		cursor = options_end;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = cursor;
		if ((void *)(ip6 + 1) > data_end)
			return XDP_DROP;
		l4 = ip6->nexthdr;
		cursor = ip6 + 1;
#pragma unroll
		for (int i = 0; i < 4; i++) {
			if (l4 != IPPROTO_HOPOPTS && l4 != IPPROTO_ROUTING && l4 != IPPROTO_DSTOPTS && l4 != IPPROTO_FRAGMENT)
				break;
			__u8 *ext = cursor;
			if ((void *)(ext + 2) > data_end)
				return XDP_DROP;
			l4 = ext[0];
			cursor = ext + (l4 == IPPROTO_FRAGMENT ? 8 : (ext[1] + 1) * 8);
		}
	} else {
		count(COUNT_OTHER);
		return XDP_PASS;
	}
	if (l4 == IPPROTO_TCP) {
		struct tcphdr *tcp = cursor;
		if ((void *)(tcp + 1) > data_end)
			return XDP_DROP;
		count(COUNT_TCP);
		if (tcp->dest == bpf_htons(23))
			return XDP_DROP;
	} else if (l4 == IPPROTO_UDP) {
		struct udphdr *udp = cursor;
		if ((void *)(udp + 1) > data_end)
			return XDP_DROP;
		count(COUNT_UDP);
	} else {
		count(COUNT_OTHER);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
