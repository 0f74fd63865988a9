/* A connection tracker on tc ingress: a five-tuple keyed LRU hash whose entries follow the TCP handshake
 * (SYN, SYN-ACK, established, closing) and count packets and bytes; a packet of no known connection that is not a
 * SYN is dropped. */
#include "rw_defs.h"

enum ct_state { CT_NEW = 1, CT_SYN_SENT, CT_ESTABLISHED, CT_CLOSING };

struct ct_key { __u32 saddr; __u32 daddr; __u16 sport; __u16 dport; __u8 proto; __u8 pad[3]; };
struct ct_entry { __u64 last_seen; __u64 packets; __u64 bytes; __u32 state; __u32 pad; };

struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 4096); __type(key, struct ct_key); __type(value, struct ct_entry); } conntrack_table SEC(".maps");

static __noinline int track_tcp(struct ct_entry *entry, struct tcphdr *tcp)
{
	if (tcp->rst) {
		entry->state = CT_CLOSING;
		return 1;
	}
	switch (entry->state) {
	case CT_NEW:
		if (tcp->syn && !tcp->ack)
			entry->state = CT_SYN_SENT;
		break;
	case CT_SYN_SENT:
		if (tcp->ack)
			entry->state = CT_ESTABLISHED;
		break;
	case CT_ESTABLISHED:
		if (tcp->fin)
			entry->state = CT_CLOSING;
		break;
	default:
		break;
	}
	return 0;
}

SEC("tc")
int conntrack(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (ip->protocol != IPPROTO_TCP || ip->ihl != 5)
		return TC_ACT_OK;
	struct tcphdr *tcp = (struct tcphdr *)(ip + 1);
	if ((void *)(tcp + 1) > data_end)
		return TC_ACT_OK;
	struct ct_key key = {};
	key.saddr = ip->saddr;
	key.daddr = ip->daddr;
	key.sport = tcp->source;
	key.dport = tcp->dest;
	key.proto = ip->protocol;
	struct ct_entry *entry = bpf_map_lookup_elem(&conntrack_table, &key);
	if (!entry) {
		if (!tcp->syn || tcp->ack)
			return TC_ACT_SHOT;
		struct ct_entry fresh = { .state = CT_NEW };
		if (bpf_map_update_elem(&conntrack_table, &key, &fresh, BPF_NOEXIST))
			return TC_ACT_SHOT;
		entry = bpf_map_lookup_elem(&conntrack_table, &key);
		if (!entry)
			return TC_ACT_SHOT;
	}
	entry->last_seen = bpf_ktime_get_ns();
	entry->packets++;
	entry->bytes += skb->len;
	if (track_tcp(entry, tcp))
		bpf_map_delete_elem(&conntrack_table, &key);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
