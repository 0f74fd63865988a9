/* bpf_loop in a real use: scan the first 256 payload bytes of a packet for a byte pattern with a callback, the loop
 * context carrying the packet bounds; packets that contain it are dropped. */
#include "rw_defs.h"

struct scan_state { void *data; void *data_end; __u32 matches; __u8 wanted; };

static long scan_byte(__u32 index, struct scan_state *state)
{
	__u8 *byte = state->data + (index & 0xff);
	if ((void *)(byte + 1) > state->data_end)
		return 1;
	if (*byte == state->wanted)
		state->matches++;
	return 0;
}

SEC("xdp")
int loop_payload_scan(struct xdp_md *ctx)
{
	struct scan_state state = {
		.data = (void *)(long)ctx->data, .data_end = (void *)(long)ctx->data_end, .matches = 0, .wanted = 0xcc,
	};
	bpf_loop(256, scan_byte, &state, 0);
	return state.matches > 2 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
