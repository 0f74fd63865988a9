/* Reports every exec (tracepoint sched/sched_process_exec) to user space: the pid, the comm after the exec and the
 * file name executed (read through the tracepoint's __data_loc field). exec_to_ring submits a ring-buffer record,
 * exec_to_perf sends the same record through a perf event array. */
#include "bpf_defs.h"

#define BPF_MAP_TYPE_PERF_EVENT_ARRAY 4
#define BPF_MAP_TYPE_RINGBUF 27
#define BPF_F_CURRENT_CPU 0xffffffffULL

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 16384); } exec_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 4);
	__uint(max_entries, 64);
} exec_perf SEC(".maps");

/* The tracepoint's record, as events/sched/sched_process_exec/format lays it out. */
struct sched_process_exec_args {
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;
	__u32 filename_loc; /* __data_loc char[]: offset from the record's start in the low 16 bits, length in the high 16 */
	__s32 pid;
	__s32 old_pid;
};

struct exec_event {
	__u32 pid;      /* the thread group id: what user space calls the pid */
	__u32 tid;
	__s32 tracepoint_pid;
	__u32 filename_length; /* bytes copied, with the terminating zero */
	char comm[16];
	char filename[128];
};

/* Puts struct exec_event into the object's BTF, so tools can decode the records (ebpf events --struct exec_event). */
struct exec_event *exec_event_layout __attribute__((unused));

static __u64 (*bpf_get_current_pid_tgid)(void) = (void *)14;
static long (*bpf_get_current_comm)(void *buf, __u32 size) = (void *)16;
static long (*bpf_perf_event_output)(void *ctx, void *map, __u64 flags, void *data, __u64 size) = (void *)25;
static long (*bpf_probe_read_kernel_str)(void *dst, __u32 size, const void *unsafe_ptr) = (void *)115;
static void *(*bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *)131;
static void (*bpf_ringbuf_submit)(void *data, __u64 flags) = (void *)132;

static __attribute__((always_inline)) void fill(struct exec_event *e, struct sched_process_exec_args *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->tracepoint_pid = ctx->pid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	__u16 offset = ctx->filename_loc & 0xffff;
	long copied = bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), (char *)ctx + offset);
	e->filename_length = copied > 0 ? copied : 0;
}

SEC("tracepoint/sched/sched_process_exec")
int exec_to_ring(struct sched_process_exec_args *ctx)
{
	struct exec_event *e = bpf_ringbuf_reserve(&exec_ring, sizeof(*e), 0);
	if (!e)
		return 0;
	fill(e, ctx);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/sched/sched_process_exec")
int exec_to_perf(struct sched_process_exec_args *ctx)
{
	struct exec_event e = {};
	fill(&e, ctx);
	bpf_perf_event_output(ctx, &exec_perf, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
