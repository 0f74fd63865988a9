// 32- and 64-bit arithmetic, signed division and modulo, shifts and byte swaps.
// Signed division exists only from -mcpu=v4 (clang-19 defines __BPF_FEATURE_SDIV_SMOD there).
typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int u32;
typedef int s32;
typedef unsigned short u16;

__attribute__((section("tc"), used))
int arithmetic(u64 *ctx)
{
    u64 a = ctx[0], b = ctx[1] | 1;
    s64 sa = (s64)ctx[2], sb = (s64)(ctx[3] | 1);
    u32 x = (u32)ctx[4], y = (u32)ctx[5] | 1;
    s32 sx = (s32)ctx[6], sy = (s32)ctx[7] | 1;

    ctx[8] = a + b * 3 - (a >> 7) + (a << 13) - (b ^ 0xdeadbeef);
    ctx[9] = a / b + a % b;
#ifdef __BPF_FEATURE_SDIV_SMOD
    ctx[10] = (u64)(sa / sb) ^ (u64)(sa % sb);
#endif
    ctx[11] = x / y + x % y + (x >> 3) + (x << 5) + (x & 0xff00) + (x | 0x11) + (x ^ y) - (x * 7);
#ifdef __BPF_FEATURE_SDIV_SMOD
    ctx[12] = (u64)(s64)(sx / sy) + (u64)(s64)(sx % sy);
#endif
    ctx[25] = (u64)(s64)(sx >> 2);
    ctx[13] = (u64)(sa >> 9) + (u64)(-sa);
    ctx[14] = (u64)(u32)(-x);
    ctx[15] = __builtin_bswap16((u16)x) + __builtin_bswap32(x) + __builtin_bswap64(a);
    ctx[16] = (u64)(s64)(signed char)a + (u64)(s64)(short)b + (u64)(s64)(int)sa;
    ctx[17] = (u64)(u32)(s32)(signed char)x + (u64)(u32)(s32)(short)y;
    ctx[18] = a * 0xffffffffULL + 0x123456789abcdefULL;
    ctx[19] = (a < b) + (sa < sb) + (x <= y) + (sx >= sy);
    ctx[20] = a >> (b & 63);
    ctx[21] = (u64)(sa >> (b & 63));
    ctx[22] = (u64)(x >> (y & 31));
    ctx[23] = (u64)(u32)(sx >> (y & 31));
    ctx[24] = a / 10 + x / 10;
#ifdef __BPF_FEATURE_SDIV_SMOD
    ctx[26] = (u64)(sa / -3) + (u64)(s64)(sx % -7);
#endif
    return (int)(a - 0x8000000000000000ULL);
}
