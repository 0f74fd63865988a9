// Shared by every benchmark program: compiled for BPF (clang -target bpf) and natively (clang -O2 -shared), so the
// same source measures the engines against native code. Each program is `u64 NAME(u8 *data, u64 len)`.
#pragma once
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#ifdef __bpf__
#define BENCH_EXPORT
#else
#define BENCH_EXPORT __attribute__((visibility("default")))
#endif
