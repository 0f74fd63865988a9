/* Programs of context-taking types for test runs with ctx_in/ctx_out: tc, raw tracepoint, tracepoint, kprobe. */
#include "bpf_defs.h"

/* struct __sk_buff as linux/bpf.h lays it out, up to the fields these programs touch. */
struct __sk_buff {
	__u32 len, pkt_type, mark, queue_mapping, protocol, vlan_present, vlan_tci, vlan_proto;
	__u32 priority, ingress_ifindex, ifindex, tc_index;
	__u32 cb[5];
};

struct bpf_raw_tracepoint_args {
	__u64 args[0];
};

/* The record of tracepoint syscalls/sys_enter_write (its format file): the common header, then the arguments. */
struct sys_enter_write {
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;
	__s32 syscall_nr;
	__u64 fd;
	__u64 buf;
	__u64 count;
};

/* x86-64 struct pt_regs, the registers a kprobe reads. */
struct pt_regs {
	__u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss;
};

SEC("tc")
int mark_from_cb(struct __sk_buff *skb)
{
	skb->mark = skb->cb[0] + 1;
	skb->cb[1] = skb->len;
	skb->priority = 7;
	return skb->mark > 10 ? 2 : 0;
}

SEC("raw_tracepoint/sys_enter")
int sum_args(struct bpf_raw_tracepoint_args *ctx)
{
	return ctx->args[0] + ctx->args[1];
}

SEC("tracepoint/syscalls/sys_enter_write")
int large_writes(struct sys_enter_write *ctx)
{
	return ctx->count > 100 ? ctx->syscall_nr : 0; /* the kernel hides the common header from programs */
}

SEC("kprobe/do_sys_openat2")
int open_flags(struct pt_regs *ctx)
{
	return ctx->rdi + ctx->rsi;
}

char LICENSE[] SEC("license") = "GPL";
