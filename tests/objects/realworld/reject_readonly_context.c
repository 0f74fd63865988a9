/* REJECTED by the kernel: a tc program that tries to shorten the packet by writing skb->len, a read-only context field
 * ("invalid bpf_context access"). */
#include "rw_defs.h"

SEC("tc")
int reject_readonly_context(struct __sk_buff *skb)
{
	if (skb->len > 1000)
		skb->len = 1000;
	skb->mark = 7;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
