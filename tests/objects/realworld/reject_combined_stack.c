/* Each function's frame fits in 512 bytes, but the call chain main -> format_record -> fill_words uses more than 512
 * bytes of stack in all. REJECTED by the kernel in the tc program ("combined stack size of 3 calls is ... Too large");
 * ACCEPTED in the kprobe program, because the x86-64 JIT gives the big frames of tracing programs private stacks. */
#include "rw_defs.h"

struct record { __u64 words[36]; };

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct record); } records SEC(".maps");

static __noinline int fill_words(__u64 seed)
{
	volatile __u64 scratch[36];
	for (int i = 0; i < 36; i++)
		scratch[i] = seed + i;
	return scratch[seed & 31] & 1;
}

static __noinline int format_record(__u64 seed)
{
	struct record record;
	for (int i = 0; i < 36; i++)
		record.words[i] = seed * i;
	record.words[0] += fill_words(seed);
	__u32 zero = 0;
	return bpf_map_update_elem(&records, &zero, &record, BPF_ANY);
}

SEC("tc")
int reject_combined_stack(struct __sk_buff *skb)
{
	volatile __u64 local[8];
	for (int i = 0; i < 8; i++)
		local[i] = i;
	return format_record(skb->hash + local[3]) ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("kprobe/do_nanosleep")
int private_stack_kprobe(void *ctx)
{
	volatile __u64 local[8];
	for (int i = 0; i < 8; i++)
		local[i] = i;
	return format_record(bpf_ktime_get_ns() + local[3]);
}

char LICENSE[] SEC("license") = "GPL";
