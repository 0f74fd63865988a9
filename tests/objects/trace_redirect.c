/* bpf_printk and bpf_redirect from an XDP program: the CLI test reads the trace lines and the recorded target. */
#include "bpf_defs.h"

static long (*bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *)6;
static long (*bpf_redirect)(__u32 ifindex, __u64 flags) = (void *)23;

SEC("xdp")
int trace_and_redirect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	char fmt[] = "packet of %d bytes\n";

	bpf_trace_printk(fmt, sizeof(fmt), (int)(data_end - data));
	if (data + 14 > data_end)
		return 1;
	return bpf_redirect(((__u8 *)data)[0], 0);
}

char _license[] SEC("license") = "GPL";
