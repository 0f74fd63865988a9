/* A cgroup_skb accountant: counts ingress and egress packets and bytes of a cgroup per IP protocol in a per-CPU hash,
 * and denies egress to one blocked address read from .rodata. */
#include "rw_defs.h"

struct traffic_key { __u8 direction; __u8 protocol; __u16 pad; };
struct traffic_value { __u64 packets; __u64 bytes; };

struct { __uint(type, BPF_MAP_TYPE_PERCPU_HASH); __uint(max_entries, 512); __type(key, struct traffic_key); __type(value, struct traffic_value); } cgroup_traffic SEC(".maps");

const volatile __u32 blocked_daddr = 0;

static __noinline int account(struct __sk_buff *skb, __u8 direction)
{
	struct iphdr ip;
	struct traffic_key key = { .direction = direction };
	if (skb->protocol == bpf_htons(ETH_P_IP) && bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) == 0)
		key.protocol = ip.protocol;
	struct traffic_value *value = bpf_map_lookup_elem(&cgroup_traffic, &key);
	if (value) {
		value->packets++;
		value->bytes += skb->len;
	} else {
		struct traffic_value first = { .packets = 1, .bytes = skb->len };
		bpf_map_update_elem(&cgroup_traffic, &key, &first, BPF_NOEXIST);
	}
	if (direction == 1 && key.protocol != 0 && blocked_daddr != 0 && ip.daddr == blocked_daddr)
		return 0;
	return 1;
}

SEC("cgroup_skb/ingress")
int cgroup_ingress(struct __sk_buff *skb)
{
	return account(skb, 0);
}

SEC("cgroup_skb/egress")
int cgroup_egress(struct __sk_buff *skb)
{
	return account(skb, 1);
}

char LICENSE[] SEC("license") = "GPL";
