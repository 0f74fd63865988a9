// A scan with data-dependent branches: classify every byte of the frame.
#include "bench.h"

BENCH_EXPORT u64 byte_scan(u8 *data, u64 len)
{
    u64 digits = 0, letters = 0, spaces = 0, other = 0;
    for (u64 i = 0; i < len; i++) {
        u8 c = data[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            letters++;
        else if (c == ' ' || c == '\n')
            spaces++;
        else
            other++;
    }
    return digits << 48 | letters << 32 | spaces << 16 | other;
}
