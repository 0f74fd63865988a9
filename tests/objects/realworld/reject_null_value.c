/* REJECTED by the kernel: a per-flow counter that uses the map value without checking the lookup for NULL
 * ("invalid mem access 'map_value_or_null'"). */
#include "rw_defs.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, __u32); __type(value, __u64); } flow_packets SEC(".maps");

SEC("tc")
int reject_null_value(struct __sk_buff *skb)
{
	__u32 hash = skb->hash;
	__u64 *packets = bpf_map_lookup_elem(&flow_packets, &hash);
	*packets += 1;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
