/* Several programs in one section, and a program using v4 instructions (built with clang-19 -mcpu=v4). */
#include "bpf_defs.h"

SEC("tc")
int first(void *skb)
{
	return 1;
}

SEC("tc")
int second(void *skb)
{
	return *(__u32 *)skb + 2;
}

SEC("tc")
int third(void *skb)
{
	long x = *(signed char *)skb;
	return x / 3;
}

char LICENSE[] SEC("license") = "GPL";
