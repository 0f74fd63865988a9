/* A Katran-style L4 load balancer: a VIP table in a hash map, a consistent-hash ring per VIP in an array map, real
 * servers in another array, per-VIP per-CPU statistics, and IP-in-IP encapsulation made room for with
 * bpf_xdp_adjust_head before the packet goes back out (XDP_TX). */
#include "rw_defs.h"

#define RING_SIZE 64
#define MAX_VIPS 16

struct vip_key { __u32 addr; __u16 port; __u8 proto; __u8 pad; };
struct vip_meta { __u32 vip_num; __u32 flags; };
struct real_server { __u32 addr; __u8 mac[6]; __u16 pad; };
struct vip_stats { __u64 packets; __u64 bytes; };

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, MAX_VIPS); __type(key, struct vip_key); __type(value, struct vip_meta); } vip_map SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, RING_SIZE * MAX_VIPS); __type(key, __u32); __type(value, __u32); } ch_rings SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 128); __type(key, __u32); __type(value, struct real_server); } reals SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, MAX_VIPS); __type(key, __u32); __type(value, struct vip_stats); } vip_stats SEC(".maps");

static __always_inline __u32 flow_hash(__u32 saddr, __u32 daddr, __u32 ports)
{
	__u32 h = saddr * 0x9e3779b1u;
	h ^= daddr + 0x7f4a7c15u + (h << 6) + (h >> 2);
	h ^= ports + 0x7f4a7c15u + (h << 6) + (h >> 2);
	return h;
}

static __always_inline __u16 ip_checksum(struct iphdr *ip)
{
	__u32 sum = 0;
	__u16 *words = (__u16 *)ip;
#pragma unroll
	for (int i = 0; i < 10; i++)
		sum += words[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

SEC("xdp")
int l4_load_balancer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
		return XDP_PASS;
	struct udphdr *ports = (struct udphdr *)(ip + 1);
	if ((void *)(ports + 1) > data_end)
		return XDP_PASS;
	if (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	struct vip_key key = { .addr = ip->daddr, .port = ports->dest, .proto = ip->protocol };
	struct vip_meta *vip = bpf_map_lookup_elem(&vip_map, &key);
	if (!vip)
		return XDP_PASS;
	__u32 vip_num = vip->vip_num;
	if (vip_num >= MAX_VIPS)
		return XDP_DROP;
	__u32 hash = flow_hash(ip->saddr, ip->daddr, ((__u32)ports->source << 16) | ports->dest);
	__u32 ring_slot = vip_num * RING_SIZE + hash % RING_SIZE;
	__u32 *real_index = bpf_map_lookup_elem(&ch_rings, &ring_slot);
	if (!real_index)
		return XDP_DROP;
	struct real_server *real = bpf_map_lookup_elem(&reals, real_index);
	if (!real || real->addr == 0)
		return XDP_DROP;
	struct vip_stats *stats = bpf_map_lookup_elem(&vip_stats, &vip_num);
	if (stats) {
		stats->packets++;
		stats->bytes += (__u64)(data_end - data);
	}
	__u32 real_addr = real->addr;
	__u8 real_mac[6];
	__builtin_memcpy(real_mac, real->mac, 6);
	__u16 inner_length = bpf_ntohs(ip->tot_len);
	__u32 source = ip->daddr;

	if (bpf_xdp_adjust_head(ctx, 0 - (int)sizeof(struct iphdr)))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	struct ethhdr *new_eth = data;
	struct ethhdr *old_eth = data + sizeof(struct iphdr);
	struct iphdr *outer = (struct iphdr *)(new_eth + 1);
	if ((void *)(outer + 1) > data_end)
		return XDP_DROP;
	__builtin_memcpy(new_eth->h_source, old_eth->h_dest, 6);
	__builtin_memcpy(new_eth->h_dest, real_mac, 6);
	new_eth->h_proto = bpf_htons(ETH_P_IP);
	outer->version = 4;
	outer->ihl = 5;
	outer->tos = 0;
	outer->tot_len = bpf_htons(inner_length + sizeof(struct iphdr));
	outer->id = 0;
	outer->frag_off = 0;
	outer->ttl = 64;
	outer->protocol = IPPROTO_IPIP;
	outer->check = 0;
	outer->saddr = source;
	outer->daddr = real_addr;
	outer->check = ip_checksum(outer);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
