/* REJECTED by the kernel: a loop whose bound comes from the packet (a count field of up to 2^32) with a body that
 * reaches the same state again only after billions of iterations; the kernel gives up after one million processed
 * instructions ("BPF program is too large"). */
#include "rw_defs.h"

SEC("xdp")
int reject_unbounded_loop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 *count = data;
	if ((void *)(count + 1) > data_end)
		return XDP_PASS;
	__u32 n = *count;
	__u64 sum = 0;
	for (__u32 i = 0; i < n; i++)
		sum += i * 7 + (sum >> 3);
	return sum & 1 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
