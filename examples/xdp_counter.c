/*
 * XDP: counts packets and bytes per protocol (IPv4, IPv6, ARP, other) in a per-CPU array and passes every packet.
 * A frame too short for its network header counts as "other".
 */
#include "bpf_examples.h"

enum protocol_slot { SLOT_IPV4, SLOT_IPV6, SLOT_ARP, SLOT_OTHER, SLOT_COUNT };

struct traffic {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLOT_COUNT);
	__type(key, __u32);
	__type(value, struct traffic);
} traffic_by_protocol SEC(".maps");

/* The slot for a frame: its EtherType, when the network header it announces fits in the frame. */
static __always_inline __u32 slot_of(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return SLOT_OTHER;
	void *network = eth + 1;
	switch (eth->h_proto) {
	case bpf_htons(ETH_P_IP):
		return network + sizeof(struct iphdr) <= data_end ? SLOT_IPV4 : SLOT_OTHER;
	case bpf_htons(ETH_P_IPV6):
		return network + sizeof(struct ipv6hdr) <= data_end ? SLOT_IPV6 : SLOT_OTHER;
	case bpf_htons(ETH_P_ARP):
		return network + 8 <= data_end ? SLOT_ARP : SLOT_OTHER; /* the fixed part of an ARP header */
	default:
		return SLOT_OTHER;
	}
}

SEC("xdp")
int count_protocols(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 slot = slot_of(data, data_end);
	struct traffic *traffic = bpf_map_lookup_elem(&traffic_by_protocol, &slot);
	if (traffic) {
		/* Per-CPU values: no other CPU writes this slot, so plain increments suffice. */
		traffic->packets++;
		traffic->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
