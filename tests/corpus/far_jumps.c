// A branch over more than 32767 instructions, which clang -mcpu=v4 compiles to gotol. Older targets cannot
// express it ("Branch target out of insn range"), so they get a shorter body.
typedef unsigned long long u64;

#define STORE(i) p[(i) & 15] = (i) * 2654435761u;
#define S4(i) STORE(i) STORE(i + 1) STORE(i + 2) STORE(i + 3)
#define S16(i) S4(i) S4(i + 4) S4(i + 8) S4(i + 12)
#define S64(i) S16(i) S16(i + 16) S16(i + 32) S16(i + 48)
#define S256(i) S64(i) S64(i + 64) S64(i + 128) S64(i + 192)
#define S1024(i) S256(i) S256(i + 256) S256(i + 512) S256(i + 768)
#define S4096(i) S1024(i) S1024(i + 1024) S1024(i + 2048) S1024(i + 3072)

__attribute__((section("xdp"), used))
int far_jumps(u64 *ctx)
{
    volatile u64 *p = (volatile u64 *)ctx;
    if (ctx[16] == 0x1234) {
#ifdef __BPF_FEATURE_GOTOL
        S4096(0) S4096(4096) S4096(8192) S4096(12288)
#else
        S1024(0)
#endif
    }
    return (int)p[1];
}
