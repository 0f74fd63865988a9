/* CO-RE relocations of every kind against the running kernel's BTF: local views of kernel types carry
 * preserve_access_index, so clang records each access as a relocation instead of a fixed offset. */
#include "bpf_defs.h"

enum { FIELD_BYTE_OFFSET, FIELD_BYTE_SIZE, FIELD_EXISTS, FIELD_SIGNED, FIELD_LSHIFT_U64, FIELD_RSHIFT_U64 };
enum { TYPE_EXISTS, TYPE_SIZE, TYPE_MATCHES };
enum { ENUMVAL_EXISTS, ENUMVAL_VALUE };
enum { TYPE_ID_LOCAL, TYPE_ID_TARGET };

typedef int pid_t;

/* Only the members used here, in an order unlike the kernel's: CO-RE finds them by name. */
struct task_struct {
	char comm[16];
	pid_t tgid;
	pid_t pid;
	unsigned sched_reset_on_fork:1;
	unsigned sched_contributes_to_load:1;
} __attribute__((preserve_access_index));

/* A flavour with a member no kernel has: existence checks give 0, reads are poisoned. */
struct task_struct___missing {
	int no_such_member;
} __attribute__((preserve_access_index));

/* A type no kernel has. */
struct ebpf_net_no_such_type {
	int x;
} __attribute__((preserve_access_index));

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };
enum ebpf_net_no_such_enum { EBPF_NET_NO_SUCH_VALUE = 7 };

static __u64 (*bpf_get_current_task)(void) = (void *)35;
static long (*bpf_probe_read_kernel)(void *dst, __u32 size, const void *unsafe_ptr) = (void *)113;

/* The calling thread's id (the kernel's task_struct.pid), read at the CO-RE-relocated offset. */
SEC("raw_tp/sys_enter")
int current_pid(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	pid_t pid = 0;
	bpf_probe_read_kernel(&pid, sizeof(pid), &task->pid);
	return pid;
}

/* The calling process's id (task_struct.tgid). */
SEC("raw_tp/sys_enter")
int current_tgid(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	pid_t tgid = 0;
	bpf_probe_read_kernel(&tgid, sizeof(tgid), &task->tgid);
	return tgid;
}

SEC("raw_tp/sys_enter")
int pid_offset(void *ctx)
{
	struct task_struct *task = 0;
	return __builtin_preserve_field_info(task->pid, FIELD_BYTE_OFFSET);
}

SEC("raw_tp/sys_enter")
int comm_size(void *ctx)
{
	struct task_struct *task = 0;
	return __builtin_preserve_field_info(task->comm, FIELD_BYTE_SIZE);
}

SEC("raw_tp/sys_enter")
int comm_third_offset(void *ctx)
{
	struct task_struct *task = 0;
	return __builtin_preserve_field_info(task->comm[3], FIELD_BYTE_OFFSET);
}

SEC("raw_tp/sys_enter")
int field_existence(void *ctx)
{
	struct task_struct *task = 0;
	struct task_struct___missing *missing = 0;
	return __builtin_preserve_field_info(task->pid, FIELD_EXISTS) * 10
		+ __builtin_preserve_field_info(missing->no_such_member, FIELD_EXISTS);
}

SEC("raw_tp/sys_enter")
int pid_signed(void *ctx)
{
	struct task_struct *task = 0;
	return __builtin_preserve_field_info(task->pid, FIELD_SIGNED);
}

/* The bitfield's shifts, as BPF_CORE_READ_BITFIELD uses them: (value << lshift) >> rshift. */
SEC("raw_tp/sys_enter")
int bitfield_shifts(void *ctx)
{
	struct task_struct *task = 0;
	return __builtin_preserve_field_info(task->sched_contributes_to_load, FIELD_LSHIFT_U64) * 1000
		+ __builtin_preserve_field_info(task->sched_contributes_to_load, FIELD_RSHIFT_U64) * 10
		+ __builtin_preserve_field_info(task->sched_contributes_to_load, FIELD_SIGNED);
}

SEC("raw_tp/sys_enter")
int bitfield_load(void *ctx)
{
	struct task_struct *task = 0;
	return __builtin_preserve_field_info(task->sched_contributes_to_load, FIELD_BYTE_OFFSET) * 100
		+ __builtin_preserve_field_info(task->sched_contributes_to_load, FIELD_BYTE_SIZE);
}

/* Reads a member the kernel does not have: the load is poisoned. */
SEC("raw_tp/sys_enter")
int missing_read(void *ctx)
{
	struct task_struct___missing *task = (void *)bpf_get_current_task();
	int value = 0;
	bpf_probe_read_kernel(&value, sizeof(value), &task->no_such_member);
	return value;
}

SEC("raw_tp/sys_enter")
int type_facts(void *ctx)
{
	return __builtin_preserve_type_info(*(struct task_struct *)0, TYPE_EXISTS) * 100
		+ __builtin_preserve_type_info(*(struct ebpf_net_no_such_type *)0, TYPE_EXISTS) * 10
		+ __builtin_preserve_type_info(*(struct ebpf_net_no_such_type *)0, TYPE_SIZE);
}

SEC("raw_tp/sys_enter")
int task_size(void *ctx)
{
	return __builtin_preserve_type_info(*(struct task_struct *)0, TYPE_SIZE);
}

SEC("raw_tp/sys_enter")
int type_matches(void *ctx)
{
	return __builtin_preserve_type_info(*(enum pid_type *)0, TYPE_MATCHES) * 10
		+ __builtin_preserve_type_info(*(struct task_struct *)0, TYPE_MATCHES);
}

SEC("raw_tp/sys_enter")
int enum_values(void *ctx)
{
	return __builtin_preserve_enum_value(*(enum pid_type *)PIDTYPE_SID, ENUMVAL_VALUE) * 100
		+ __builtin_preserve_enum_value(*(enum pid_type *)PIDTYPE_MAX, ENUMVAL_EXISTS) * 10
		+ __builtin_preserve_enum_value(*(enum ebpf_net_no_such_enum *)EBPF_NET_NO_SUCH_VALUE, ENUMVAL_EXISTS);
}

SEC("raw_tp/sys_enter")
int missing_enum_value(void *ctx)
{
	return __builtin_preserve_enum_value(*(enum ebpf_net_no_such_enum *)EBPF_NET_NO_SUCH_VALUE, ENUMVAL_VALUE);
}

SEC("raw_tp/sys_enter")
int task_type_ids(void *ctx)
{
	return __builtin_btf_type_id(*(struct task_struct *)0, TYPE_ID_TARGET);
}

SEC("raw_tp/sys_enter")
int local_type_id(void *ctx)
{
	return __builtin_btf_type_id(*(struct task_struct *)0, TYPE_ID_LOCAL);
}

/* The first four bytes of the calling thread's name (task_struct.comm), little-endian. */
SEC("raw_tp/sys_enter")
int current_comm_head(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 head = 0;
	bpf_probe_read_kernel(&head, sizeof(head), &task->comm[0]);
	return head;
}

/* A CO-RE access inside a called function: its relocation moves with the function when it is linked in. */
static __attribute__((noinline)) int tgid_of(struct task_struct *task)
{
	pid_t tgid = 0;
	bpf_probe_read_kernel(&tgid, sizeof(tgid), &task->tgid);
	return tgid;
}

SEC("raw_tp/sys_enter")
int current_tgid_via_call(void *ctx)
{
	return tgid_of((struct task_struct *)bpf_get_current_task()) + 0;
}

char LICENSE[] SEC("license") = "GPL";
