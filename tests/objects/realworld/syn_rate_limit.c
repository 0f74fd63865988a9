/* A SYN-flood limiter: a token bucket per source address in an LRU hash, refilled from bpf_ktime_get_ns; SYNs beyond
 * the rate are dropped and counted. */
#include "rw_defs.h"

#define TOKENS_PER_SECOND 100
#define BUCKET_SIZE 200
#define NS_PER_TOKEN (1000000000ULL / TOKENS_PER_SECOND)

struct bucket { __u64 last_refill; __u64 tokens; };

struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 65536); __type(key, __u32); __type(value, struct bucket); } syn_buckets SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } syn_dropped SEC(".maps");

SEC("xdp")
int syn_rate_limit(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_TCP)
		return XDP_PASS;
	struct tcphdr *tcp = (void *)ip + ip->ihl * 4;
	if ((void *)(tcp + 1) > data_end)
		return XDP_PASS;
	if (!tcp->syn || tcp->ack)
		return XDP_PASS;
	__u32 source = ip->saddr;
	__u64 now = bpf_ktime_get_ns();
	struct bucket *bucket = bpf_map_lookup_elem(&syn_buckets, &source);
	if (!bucket) {
		struct bucket fresh = { .last_refill = now, .tokens = BUCKET_SIZE - 1 };
		bpf_map_update_elem(&syn_buckets, &source, &fresh, BPF_ANY);
		return XDP_PASS;
	}
	__u64 refill = (now - bucket->last_refill) / NS_PER_TOKEN;
	if (refill > 0) {
		bucket->tokens = bucket->tokens + refill > BUCKET_SIZE ? BUCKET_SIZE : bucket->tokens + refill;
		bucket->last_refill = now;
	}
	if (bucket->tokens == 0) {
		__u32 zero = 0;
		__u64 *dropped = bpf_map_lookup_elem(&syn_dropped, &zero);
		if (dropped)
			__sync_fetch_and_add(dropped, 1);
		return XDP_DROP;
	}
	bucket->tokens--;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
