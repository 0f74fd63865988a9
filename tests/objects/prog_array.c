/* A program array whose initial slots name programs, through __array(values, ...). */
#include "bpf_defs.h"

SEC("xdp")
int tail_pass(struct xdp_md *ctx)
{
	return 2;
}

SEC("xdp")
int tail_drop(struct xdp_md *ctx)
{
	return 1;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} jump_table SEC(".maps") = {
	.values = {
		[0] = (void *)&tail_pass,
		[2] = (void *)&tail_drop,
	},
};

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jump_table, ctx->rx_queue_index & 3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
