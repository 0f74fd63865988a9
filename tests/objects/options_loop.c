/* parse_tcp.c plus a bounded loop over the IPv4 options in a subprogram, counting NOPs. Too complex for the kernel
 * (E2BIG: one million instructions processed, every iteration's packet range and count differ) and for this verifier
 * alike: the differential test checks both give up. */
#include "bpf_defs.h"

struct flow { __u32 saddr, daddr; __u16 sport, dport; __u32 proto; };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow);
	__type(value, __u32);
} verdicts SEC(".maps");

static __attribute__((noinline)) int count_nops(unsigned char *options, unsigned char *end, int length)
{
	int nops = 0;
	for (int i = 0; i < 40; i++) {
		if (i >= length || options + i + 1 > end)
			break;
		if (options[i] == 1)
			nops++;
	}
	return nops;
}

SEC("xdp")
int options_loop(struct xdp_md *ctx)
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
	if (count_nops(ip + 20, end, ihl - 20) > 8)
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
