// Atomic read-modify-write operations of 32 and 64 bits, with and without fetching the old value.
// Fetching 32-bit atomics need the alu32 feature (-mcpu=v3 and later); the corpus test defines CORPUS_ALU32 then.
typedef unsigned long long u64;
typedef unsigned int u32;

__attribute__((section("kprobe"), used))
int atomics(u64 *counters, u32 *small)
{
    __sync_fetch_and_add(&counters[0], 1);
    __sync_fetch_and_add(&small[0], 5);
    u64 old64 = __sync_fetch_and_add(&counters[1], 10);
    u32 old32 = 0;
#ifdef CORPUS_ALU32
    old32 += __sync_fetch_and_add(&small[1], 3);
#endif
    __atomic_fetch_or(&counters[2], 0x10, __ATOMIC_RELAXED);
    __atomic_fetch_and(&counters[3], 0xff, __ATOMIC_RELAXED);
    __atomic_fetch_xor(&counters[4], 0x5a, __ATOMIC_RELAXED);
#ifdef CORPUS_ALU32
    __atomic_fetch_or(&small[2], 0x10, __ATOMIC_RELAXED);
    __atomic_fetch_and(&small[3], 0xff, __ATOMIC_RELAXED);
    __atomic_fetch_xor(&small[4], 0x5a, __ATOMIC_RELAXED);
    old64 += __atomic_fetch_or(&counters[5], 1, __ATOMIC_SEQ_CST);
    old64 += __atomic_fetch_and(&counters[6], 2, __ATOMIC_SEQ_CST);
    old64 += __atomic_fetch_xor(&counters[7], 3, __ATOMIC_SEQ_CST);
    old32 += __atomic_fetch_or(&small[5], 1, __ATOMIC_SEQ_CST);
    old32 += __atomic_fetch_and(&small[6], 2, __ATOMIC_SEQ_CST);
    old32 += __atomic_fetch_xor(&small[7], 3, __ATOMIC_SEQ_CST);
#endif
    old64 += __sync_val_compare_and_swap(&counters[8], old64, 77);
#ifdef CORPUS_ALU32
    old32 += __sync_val_compare_and_swap(&small[8], old32, 78);
#endif
    old64 += __atomic_exchange_n(&counters[9], old64, __ATOMIC_SEQ_CST);
#ifdef CORPUS_ALU32
    old32 += __atomic_exchange_n(&small[9], old32, __ATOMIC_SEQ_CST);
#endif
    return (int)(old64 + old32);
}
