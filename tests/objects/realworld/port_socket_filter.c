/* A socket filter in the style of tcpdump's compiled filters: copies the headers with bpf_skb_load_bytes and keeps
 * (the first 256 bytes of) TCP or UDP packets whose source or destination port is 443; everything else is cut to 0. */
#include "rw_defs.h"

struct headers { struct iphdr ip; __u16 sport; __u16 dport; };

SEC("socket")
int port_socket_filter(struct __sk_buff *skb)
{
	struct headers h;
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, 0, &h, sizeof(h)) < 0)
		return 0;
	if (h.ip.protocol != IPPROTO_TCP && h.ip.protocol != IPPROTO_UDP)
		return 0;
	if (h.ip.ihl != 5) {
		__u16 ports[2];
		if (bpf_skb_load_bytes(skb, (h.ip.ihl & 0xf) * 4, ports, sizeof(ports)) < 0)
			return 0;
		h.sport = ports[0];
		h.dport = ports[1];
	}
	if (h.sport == bpf_htons(443) || h.dport == bpf_htons(443))
		return skb->len < 256 ? skb->len : 256;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
