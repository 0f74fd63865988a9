/* A raw tracepoint on sched_switch: counts context switches per CPU and remembers when each CPU last switched, reading
 * the tracepoint's arguments (preempt, prev, next) from the raw argument array. */
#include "rw_defs.h"

struct cpu_switches { __u64 count; __u64 preempted; __u64 last_ns; };

struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct cpu_switches); } switch_counts SEC(".maps");

SEC("raw_tracepoint/sched_switch")
int sched_switch_counter(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 zero = 0;
	struct cpu_switches *value = bpf_map_lookup_elem(&switch_counts, &zero);
	if (!value)
		return 0;
	value->count++;
	if (ctx->args[0])
		value->preempted++;
	value->last_ns = bpf_ktime_get_ns();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
