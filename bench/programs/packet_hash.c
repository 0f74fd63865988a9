// Parse Ethernet, IPv4 and UDP/TCP headers and hash the 5-tuple, as a load balancer does per packet.
#include "bench.h"

static inline u32 rol32(u32 v, int s) { return (v << s) | (v >> (32 - s)); }

static inline u32 mix3(u32 a, u32 b, u32 c)
{
    a -= c; a ^= rol32(c, 4); c += b;
    b -= a; b ^= rol32(a, 6); a += c;
    c -= b; c ^= rol32(b, 8); b += a;
    a -= c; a ^= rol32(c, 16); c += b;
    b -= a; b ^= rol32(a, 19); a += c;
    c -= b; c ^= rol32(b, 4); b += a;
    return c;
}

BENCH_EXPORT u64 packet_hash(u8 *data, u64 len)
{
    if (len < 14 + 20 + 4)
        return 0;
    u16 proto = (u16)(data[12] << 8 | data[13]);
    if (proto != 0x0800)
        return 1;
    u8 *ip = data + 14;
    u32 ihl = (ip[0] & 0x0f) * 4;
    if (ihl < 20 || 14 + ihl + 4 > len)
        return 2;
    u32 saddr = (u32)ip[12] << 24 | (u32)ip[13] << 16 | (u32)ip[14] << 8 | ip[15];
    u32 daddr = (u32)ip[16] << 24 | (u32)ip[17] << 16 | (u32)ip[18] << 8 | ip[19];
    u8 l4 = ip[9];
    u8 *ports = ip + ihl;
    u32 sport = (u32)ports[0] << 8 | ports[1];
    u32 dport = (u32)ports[2] << 8 | ports[3];
    u32 h = mix3(saddr, daddr ^ l4, sport << 16 | dport);
    return (u64)h % 1021;
}
