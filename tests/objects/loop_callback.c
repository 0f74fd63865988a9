/* bpf_loop with a callback: the callback's address is an lddw with src=4 (BPF_PSEUDO_FUNC). */
#include "bpf_defs.h"

struct loop_state {
	__u64 total;
};

static int add_index(__u32 index, void *data)
{
	struct loop_state *state = data;
	state->total += index;
	return 0;
}

SEC("xdp")
int sum_indices(struct xdp_md *ctx)
{
	struct loop_state state = { 0 };
	bpf_loop(10, add_index, &state, 0);
	return state.total == 45 ? 2 : 1;
}

char LICENSE[] SEC("license") = "GPL";
