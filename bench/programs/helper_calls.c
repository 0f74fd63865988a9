// Helper calls: 200 calls to a host function (helper id 10001 in BPF, an exported C function natively).
#include "bench.h"

#ifdef __bpf__
static u64 (*bench_mix)(u64 a, u64 b) = (void *)10001;
#else
__attribute__((noinline)) u64 bench_mix(u64 a, u64 b) { return (a ^ (b * 31)) + 1; }
#endif

BENCH_EXPORT u64 helper_calls(u8 *data, u64 len)
{
    u64 acc = len;
    for (u64 i = 0; i < 200; i++)
        acc = bench_mix(acc, i);
    return acc;
}
