/* A CO-RE field access: clang records a relocation (kept as data by the loader) for task->tgid. */
#include "bpf_defs.h"

struct task {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

SEC("kprobe/wake_up_new_task")
int read_tgid(struct task *task)
{
	return task->tgid;
}

char LICENSE[] SEC("license") = "GPL";
