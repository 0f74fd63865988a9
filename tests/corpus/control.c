// Loops, switch statements, bpf-to-bpf calls and 64-bit constants.
typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int u32;

static __attribute__((noinline)) u64 mix(u64 a, u64 b)
{
    return (a ^ 0x9e3779b97f4a7c15ULL) * (b | 1) + (a >> 31);
}

static __attribute__((noinline)) int classify(s64 v)
{
    if (v < -100) return -2;
    if (v < 0) return -1;
    if (v == 0) return 0;
    if (v > 1000000) return 2;
    return 1;
}

static __attribute__((noinline)) u32 sum32(u32 *p, u32 n)
{
    u32 s = 0;
    for (u32 i = 0; i < n && i < 64; i++)
        s += p[i] ^ i;
    return s;
}

__attribute__((section("xdp"), used))
int control(u64 *ctx)
{
    u64 acc = 0xfedcba9876543210ULL;
    for (int i = 0; i < (int)(ctx[0] & 31); i++) {
        acc = mix(acc, ctx[i & 7]);
        if (acc & 0x100)
            continue;
        if ((s64)acc < -5)
            break;
    }
    switch (ctx[1]) {
    case 0: acc += 11; break;
    case 1: acc ^= 0xffffffff00000000ULL; break;
    case 2: acc -= 7; break;
    case 3: acc *= 3; break;
    case 5: acc = ~acc; break;
    case 8: acc >>= 3; break;
    case 13: acc = 0x7fffffffffffffffULL; break;
    default: acc = 42; break;
    }
    u32 w = (u32)ctx[2];
    while (w > 17) {
        if (w & 1) w = 3 * w + 1; else w /= 2;
        if (w == 0x80000000u) break;
    }
    acc += (u64)classify((s64)ctx[3]) + sum32((u32 *)&ctx[4], (u32)ctx[5]) + w;
    return (int)acc;
}
