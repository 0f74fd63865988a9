/* A firewall-style parser: Ethernet, IPv4 with a variable header length, TCP ports and a 5-tuple map lookup. The
 * verifier must follow variable packet offsets re-checked against
 * data_end and null checks. options_loop.c adds a loop over the IPv4 options. */
#include "bpf_defs.h"

struct flow { __u32 saddr, daddr; __u16 sport, dport; __u32 proto; };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow);
	__type(value, __u32);
} verdicts SEC(".maps");

SEC("xdp")
int parse_tcp(struct xdp_md *ctx)
{
	unsigned char *data = (unsigned char *)(long)ctx->data;
	unsigned char *end = (unsigned char *)(long)ctx->data_end;
	if (data + 34 > end)
		return 2;
	if (data[12] != 0x08 || data[13] != 0x00)
		return 2;
	unsigned char *ip = data + 14;
	unsigned int ihl = (ip[0] & 0x0f) * 4;
	if (ihl < 20)
		return 1;
	unsigned char *tcp = ip + ihl;
	if (tcp + 20 > end)
		return 1;
	struct flow key = {};
	key.saddr = *(__u32 *)(ip + 12);
	key.daddr = *(__u32 *)(ip + 16);
	key.sport = *(__u16 *)tcp;
	key.dport = *(__u16 *)(tcp + 2);
	key.proto = ip[9];
	__u32 *verdict = bpf_map_lookup_elem(&verdicts, &key);
	if (verdict && *verdict < 5)
		return *verdict;
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
