/* A DNS query inspector on UDP port 53: walks the query name label by label with a bounded loop (at most 64 bytes of
 * name), lowercases it into a stack key, and drops queries whose name is in a block list (a hash map). */
#include "rw_defs.h"

#define NAME_MAX_BYTES 64

struct dns_header { __u16 id; __u16 flags; __u16 questions; __u16 answers; __u16 authorities; __u16 additionals; };
struct dns_name { char bytes[NAME_MAX_BYTES]; };

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, struct dns_name); __type(value, __u64); } blocked_names SEC(".maps");

SEC("xdp")
int dns_query(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	struct dns_header *dns = (struct dns_header *)(udp + 1);
	if ((void *)(dns + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_UDP || udp->dest != bpf_htons(53))
		return XDP_PASS;
	if (dns->flags & bpf_htons(0x8000))
		return XDP_PASS;
	struct dns_name name = {};
	__u8 *cursor = (__u8 *)(dns + 1);
	for (int i = 0; i < NAME_MAX_BYTES; i++) {
		if (cursor + 1 > (__u8 *)data_end)
			return XDP_PASS;
		__u8 c = *cursor;
		if (c == 0)
			break;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		name.bytes[i] = c;
		cursor++;
	}
	__u64 *hits = bpf_map_lookup_elem(&blocked_names, &name);
	if (!hits)
		return XDP_PASS;
	__sync_fetch_and_add(hits, 1);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
