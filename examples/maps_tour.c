/*
 * XDP: a tour of the map types a program can use, each once, plus global data. For every packet it
 *   counts it in an ARRAY (total) and in .data (packets_seen), keeps its length in .bss (last_length),
 *   adds its bytes to a PERCPU_ARRAY and counts its EtherType in a PERCPU_HASH,
 *   pushes its length on a QUEUE and its EtherType on a STACK,
 *   and emits one RINGBUF record (struct packet_event).
 * For IPv4 (when config_ipv4 in .rodata is set) it also
 *   counts packets per source address in a HASH and keeps each destination's last TTL in an LRU_HASH,
 *   routes the destination by longest-prefix match in an LPM_TRIE (user space fills the routes),
 *   and asks a BLOOM_FILTER (filled by user space) whether the destination may be on a watch list.
 * Returns XDP_PASS, or XDP_DROP when the route found says so.
 */
#include "bpf_examples.h"

#define ROUTE_DROP 0xffffffff

struct lpm_v4_key {
	__u32 prefixlen;
	__be32 address;
};

struct packet_event {
	__u32 length;
	__u16 ethertype;   /* host byte order; 0 when the frame has no full Ethernet header */
	__u8 watched;      /* 1 when the bloom filter may hold the destination */
	__u8 ttl;
	__u32 route;       /* the route id found, 0 when none */
	__be32 destination;
};

const volatile __u8 config_ipv4 = 1;   /* .rodata: set before load to skip the IPv4 part */
__u64 packets_seen = 1000;             /* .data: starts at 1000 to show initialised globals */
__u32 last_length;                     /* .bss */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} total_packets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bytes_per_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, __u16);
	__type(value, __u64);
} ethertype_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __be32);
	__type(value, __u64);
} packets_by_source SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, __be32);
	__type(value, __u8);
} last_ttl_by_destination SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 64);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
} routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 8);
	__type(value, __u32);
} recent_lengths SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 8);
	__type(value, __u16);
} recent_ethertypes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 32);
	__type(value, __be32);
} watched_destinations SEC(".maps");

static __always_inline void count(void *map, const void *key)
{
	__u64 one = 1;
	__u64 *value = bpf_map_lookup_elem(map, key);
	if (value)
		__sync_fetch_and_add(value, 1);
	else
		bpf_map_update_elem(map, key, &one, BPF_NOEXIST);
}

/* The IPv4 part: fills the event's IPv4 fields (route 0 when no prefix matches). */
static __always_inline void visit_ipv4(struct iphdr *ip, struct packet_event *event)
{
	__be32 source = ip->saddr;
	__be32 destination = ip->daddr;
	__u8 ttl = ip->ttl;

	count(&packets_by_source, &source);
	bpf_map_update_elem(&last_ttl_by_destination, &destination, &ttl, BPF_ANY);

	struct lpm_v4_key key = { .prefixlen = 32, .address = destination };
	__u32 *route = bpf_map_lookup_elem(&routes, &key);

	event->destination = destination;
	event->ttl = ttl;
	event->watched = bpf_map_peek_elem(&watched_destinations, &destination) == 0;
	event->route = route ? *route : 0;
}

SEC("xdp")
int tour(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct packet_event event = { .length = data_end - data };
	__u32 zero = 0;

	__sync_fetch_and_add(&packets_seen, 1);
	last_length = event.length;

	__u64 *total = bpf_map_lookup_elem(&total_packets, &zero);
	if (total)
		__sync_fetch_and_add(total, 1);
	__u64 *bytes = bpf_map_lookup_elem(&bytes_per_cpu, &zero);
	if (bytes)
		*bytes += event.length;

	if ((void *)(eth + 1) <= data_end) {
		event.ethertype = bpf_ntohs(eth->h_proto);
		struct iphdr *ip = (void *)(eth + 1);
		if (config_ipv4 && event.ethertype == ETH_P_IP && (void *)(ip + 1) <= data_end)
			visit_ipv4(ip, &event);
	}
	count(&ethertype_counts, &event.ethertype);
	bpf_map_push_elem(&recent_lengths, &event.length, BPF_EXIST);   /* BPF_EXIST: overwrite the oldest when full */
	bpf_map_push_elem(&recent_ethertypes, &event.ethertype, BPF_EXIST);
	bpf_ringbuf_output(&events, &event, sizeof(event), 0);

	return event.route == ROUTE_DROP ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
