/* Rejected by the verifier (and the kernel): reads the Ethernet type without checking the packet is long enough. */
#include "bpf_defs.h"

SEC("xdp")
int unchecked_read(struct xdp_md *ctx)
{
	unsigned char *data = (unsigned char *)(long)ctx->data;
	if (data[12] == 0x08)
		return 2; /* XDP_PASS */
	return 1; /* XDP_DROP */
}

char LICENSE[] SEC("license") = "GPL";
