/* A Cilium-style policy: the source address is looked up in an LPM trie of CIDR rules, verdicts are counted per CPU,
 * and allowed packets go on through a tail call into the next stage of a program array (a stage that is missing falls
 * through to the default verdict). */
#include "rw_defs.h"

struct lpm_v4_key { __u32 prefixlen; __u32 addr; };
struct policy { __u32 allow; __u32 rule_id; };

struct { __uint(type, BPF_MAP_TYPE_LPM_TRIE); __uint(max_entries, 256); __type(key, struct lpm_v4_key); __type(value, struct policy); __uint(map_flags, BPF_F_NO_PREALLOC); } policy_cidrs SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, __u64); } policy_verdicts SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 4); __uint(key_size, sizeof(__u32)); __uint(value_size, sizeof(__u32)); } policy_stages SEC(".maps");

static __always_inline void account(__u32 allowed)
{
	__u64 *count = bpf_map_lookup_elem(&policy_verdicts, &allowed);
	if (count)
		*count += 1;
}

SEC("tc")
int policy_ingress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct lpm_v4_key key = { .prefixlen = 32, .addr = ip->saddr };
	struct policy *rule = bpf_map_lookup_elem(&policy_cidrs, &key);
	if (!rule || !rule->allow) {
		account(0);
		return TC_ACT_SHOT;
	}
	account(1);
	skb->mark = rule->rule_id;
	bpf_tail_call(skb, &policy_stages, 0);
	return TC_ACT_OK;
}

SEC("tc")
int policy_stage_l4(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (ip->protocol == IPPROTO_ICMP && skb->mark == 0)
		return TC_ACT_SHOT;
	bpf_tail_call(skb, &policy_stages, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
