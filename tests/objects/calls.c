/* bpf-to-bpf calls: two programs in different sections share .text helpers, one calling another. */
#include "bpf_defs.h"

static __attribute__((noinline)) int square(int x)
{
	return x * x;
}

__attribute__((noinline)) int sum_of_squares(int a, int b)
{
	return square(a) + square(b);
}

static __attribute__((noinline)) int twice(int x)
{
	return x + x;
}

SEC("tracepoint/syscalls/sys_enter_write")
int on_write(void *ctx)
{
	return sum_of_squares(3, 4);
}

SEC("kprobe/do_sys_open")
int on_open(void *ctx)
{
	return twice(square(5));
}

char LICENSE[] SEC("license") = "GPL";
