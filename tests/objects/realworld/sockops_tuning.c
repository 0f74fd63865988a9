/* A sock_ops program as TCP tuners write them: counts the socket operations it sees, answers the initial-RTO query with
 * a shorter timeout for connections inside 10.0.0.0/8, and records established IPv4 flows in a hash map. */
#include "rw_defs.h"

struct flow4 { __u32 local_ip4; __u32 remote_ip4; __u32 local_port; __u32 remote_port; };

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } sockops_seen SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 1024); __type(key, struct flow4); __type(value, __u64); } established_flows SEC(".maps");

SEC("sockops")
int sockops_tuning(struct bpf_sock_ops *skops)
{
	__u32 op = skops->op;
	if (op >= 16)
		return 1;
	__u64 *seen = bpf_map_lookup_elem(&sockops_seen, &op);
	if (seen)
		__sync_fetch_and_add(seen, 1);
	if (skops->family != 2)
		return 1;
	if (op == BPF_SOCK_OPS_TIMEOUT_INIT) {
		if ((bpf_ntohl(skops->remote_ip4) >> 24) == 10)
			skops->reply = 50;
		else
			skops->reply = -1;
		return 1;
	}
	if (op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB || op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB) {
		struct flow4 key = {
			.local_ip4 = skops->local_ip4, .remote_ip4 = skops->remote_ip4,
			.local_port = skops->local_port, .remote_port = bpf_ntohl(skops->remote_port),
		};
		__u64 now = bpf_ktime_get_ns();
		bpf_map_update_elem(&established_flows, &key, &now, BPF_ANY);
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
