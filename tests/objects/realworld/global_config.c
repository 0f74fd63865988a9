/* Global data as libbpf programs use it: a .rodata configuration (const volatile, set by the loader before load), a
 * .data default and .bss counters updated with atomics, in an XDP program that drops packets above a size limit and
 * samples one packet in N. */
#include "rw_defs.h"

const volatile __u32 max_packet_size = 1500;
const volatile __u32 sample_every = 0;
__u32 drop_verdict = XDP_DROP;
__u64 packets_seen;
__u64 packets_too_big;
__u64 packets_sampled;

SEC("xdp")
int global_config(struct xdp_md *ctx)
{
	__u32 size = ctx->data_end - ctx->data;
	__sync_fetch_and_add(&packets_seen, 1);
	if (size > max_packet_size) {
		__sync_fetch_and_add(&packets_too_big, 1);
		return drop_verdict;
	}
	if (sample_every != 0 && bpf_get_prandom_u32() % sample_every == 0)
		__sync_fetch_and_add(&packets_sampled, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
