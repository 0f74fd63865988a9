// A tight arithmetic loop: xorshift64 and an accumulator, 1000 rounds.
#include "bench.h"

BENCH_EXPORT u64 alu_loop(u8 *data, u64 len)
{
    u64 x = 88172645463325252ull ^ len;
    u64 acc = 0;
    for (int i = 0; i < 1000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc += x * 3 + (x >> 11);
    }
    return acc;
}
