/* Global variables in .rodata, .data and .bss, read and written by one socket filter. */
#include "bpf_defs.h"

const volatile __u32 threshold = 100;
const char greeting[] = "hello";
__u64 packets = 7;
__u32 scratch[4] = {1, 2, 3, 4};
__u64 bytes_seen;
__u32 last_length;

SEC("socket")
int filter(void *skb)
{
	__u32 length = *(__u32 *)skb;
	packets++;
	bytes_seen += length;
	last_length = length;
	scratch[2] = greeting[1];
	return length > threshold ? 0 : -1;
}

char LICENSE[] SEC("license") = "GPL";
