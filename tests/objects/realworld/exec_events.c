/* An execve tracer: on the sys_enter_execve tracepoint it reserves a ring-buffer record, fills in the pid, the time and
 * the command name, and submits it, or discards it for the pids a filter map lists. */
#include "rw_defs.h"

struct exec_event { __u64 time_ns; __u32 pid; __u32 tgid; char comm[16]; };

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } exec_ring SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, __u8); } ignored_tgids SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int exec_events(void *ctx)
{
	struct exec_event *event = bpf_ringbuf_reserve(&exec_ring, sizeof(*event), 0);
	if (!event)
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	event->pid = (__u32)id;
	event->tgid = id >> 32;
	event->time_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	if (bpf_map_lookup_elem(&ignored_tgids, &event->tgid)) {
		bpf_ringbuf_discard(event, 0);
		return 0;
	}
	bpf_ringbuf_submit(event, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
