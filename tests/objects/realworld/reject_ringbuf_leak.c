/* REJECTED by the kernel: a tracer that reserves a ring-buffer record but returns early on one path without submitting
 * or discarding it ("Unreleased reference"). */
#include "rw_defs.h"

struct open_event { __u64 time_ns; __u32 tgid; __u32 pad; };

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } leak_ring SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int reject_ringbuf_leak(void *ctx)
{
	struct open_event *event = bpf_ringbuf_reserve(&leak_ring, sizeof(*event), 0);
	if (!event)
		return 0;
	event->tgid = bpf_get_current_pid_tgid() >> 32;
	if (event->tgid == 1)
		return 0;
	event->time_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(event, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
