// bpf-to-bpf calls: a non-inlined function called 200 times.
#include "bench.h"

static __attribute__((noinline)) u64 mix(u64 a, u64 b)
{
    return (a ^ (b * 0x9e3779b97f4a7c15ull)) + (a >> 3);
}

BENCH_EXPORT u64 bpf_calls(u8 *data, u64 len)
{
    u64 acc = len;
    for (u64 i = 0; i < 200; i++)
        acc = mix(acc, i);
    return acc;
}
