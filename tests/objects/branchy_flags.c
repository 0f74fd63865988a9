/* Twenty independent branches feeding a map key: verifies only when pruning ignores numbers no check depends on
 * (the kernel's precision tracking). */
#include "bpf_defs.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u64); __type(value, __u64); } counts SEC(".maps");
SEC("xdp")
int branchy_flags(struct xdp_md *ctx)
{
	unsigned char *data = (unsigned char *)(long)ctx->data;
	unsigned char *end = (unsigned char *)(long)ctx->data_end;
	if (data + 32 > end) return 1;
	__u64 flags = 0;
#define F(i) if (data[i] > 100) flags |= 1ull << i; else flags += i;
	F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11) F(12) F(13) F(14) F(15) F(16) F(17) F(18) F(19)
	__u64 *v = bpf_map_lookup_elem(&counts, &flags);
	if (v) __sync_fetch_and_add(v, 1);
	return 2;
}
char LICENSE[] SEC("license") = "GPL";
