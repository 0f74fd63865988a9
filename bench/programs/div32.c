// 32-bit unsigned divisions and remainders by values only known at run time.
#include "bench.h"

BENCH_EXPORT u64 div32(u8 *data, u64 len)
{
    u32 acc = 0x9e3779b9;
    u32 divisor = (u32)len | 3;
    for (u32 i = 1; i <= 500; i++) {
        acc += (acc / divisor) ^ (acc % (i | 1));
        divisor += 7;
    }
    return acc;
}
