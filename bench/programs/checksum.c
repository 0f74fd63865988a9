// The Internet checksum (RFC 1071) over a whole 1500-byte frame.
#include "bench.h"

BENCH_EXPORT u64 checksum(u8 *data, u64 len)
{
    u64 sum = 0;
    u64 i = 0;
    for (; i + 1 < len; i += 2)
        sum += (u32)data[i] << 8 | data[i + 1];
    if (len & 1)
        sum += (u32)data[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return ~sum & 0xffff;
}
