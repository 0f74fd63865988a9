/* A kprobe/kretprobe pair measuring a kernel function's latency: the entry stores a timestamp per thread in a hash, the
 * return computes the delta and adds it to a log2 histogram (the log2 computed by a bounded loop in a subprogram). */
#include "rw_defs.h"

#define SLOTS 32

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 10240); __type(key, __u32); __type(value, __u64); } start_times SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, SLOTS); __type(key, __u32); __type(value, __u64); } latency_log2 SEC(".maps");

static __noinline __u32 log2_slot(__u64 value)
{
	__u32 slot = 0;
	for (int i = 0; i < SLOTS - 1; i++) {
		if (value <= 1)
			break;
		value >>= 1;
		slot++;
	}
	return slot;
}

SEC("kprobe/vfs_read")
int latency_entry(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();
	bpf_map_update_elem(&start_times, &tid, &now, BPF_ANY);
	return 0;
}

SEC("kretprobe/vfs_read")
int latency_exit(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *start = bpf_map_lookup_elem(&start_times, &tid);
	if (!start)
		return 0;
	__u64 delta = (bpf_ktime_get_ns() - *start) / 1000;
	bpf_map_delete_elem(&start_times, &tid);
	__u32 slot = log2_slot(delta);
	__u64 *count = bpf_map_lookup_elem(&latency_log2, &slot);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
