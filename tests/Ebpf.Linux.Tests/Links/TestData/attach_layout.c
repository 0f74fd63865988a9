/* Prints the offsets and constants of the kernel headers that the attach and event code restates in C#, one
 * "name value" line each; AttachLayoutTests compiles it with clang and compares. */
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/perf_event.h>

#define SHOW(name, value) printf("%s %llu\n", name, (unsigned long long)(value))
#define ATTR(field) SHOW(#field, offsetof(union bpf_attr, field))

int main(void)
{
	ATTR(link_create.prog_fd);
	ATTR(link_create.target_fd);
	ATTR(link_create.target_ifindex);
	ATTR(link_create.attach_type);
	ATTR(link_create.flags);
	ATTR(link_create.perf_event.bpf_cookie);
	ATTR(raw_tracepoint.name);
	ATTR(raw_tracepoint.prog_fd);
	SHOW("bpf_link_info.type", offsetof(struct bpf_link_info, type));
	SHOW("bpf_link_info.id", offsetof(struct bpf_link_info, id));
	SHOW("bpf_link_info.prog_id", offsetof(struct bpf_link_info, prog_id));
	SHOW("bpf_link_info.xdp.ifindex", offsetof(struct bpf_link_info, xdp.ifindex));
	SHOW("bpf_link_info.cgroup.cgroup_id", offsetof(struct bpf_link_info, cgroup.cgroup_id));
	SHOW("bpf_link_info.cgroup.attach_type", offsetof(struct bpf_link_info, cgroup.attach_type));
	SHOW("bpf_link_info.netns.attach_type", offsetof(struct bpf_link_info, netns.attach_type));
	SHOW("perf_event_attr.type", offsetof(struct perf_event_attr, type));
	SHOW("perf_event_attr.size", offsetof(struct perf_event_attr, size));
	SHOW("perf_event_attr.config", offsetof(struct perf_event_attr, config));
	SHOW("perf_event_attr.sample_period", offsetof(struct perf_event_attr, sample_period));
	SHOW("perf_event_attr.sample_type", offsetof(struct perf_event_attr, sample_type));
	SHOW("perf_event_attr.read_format", offsetof(struct perf_event_attr, read_format));
	SHOW("perf_event_attr.wakeup_events", offsetof(struct perf_event_attr, wakeup_events));
	SHOW("PERF_ATTR_SIZE_VER5", PERF_ATTR_SIZE_VER5);
	SHOW("perf_event_mmap_page.data_head", offsetof(struct perf_event_mmap_page, data_head));
	SHOW("perf_event_mmap_page.data_tail", offsetof(struct perf_event_mmap_page, data_tail));
	SHOW("perf_event_mmap_page.data_offset", offsetof(struct perf_event_mmap_page, data_offset));
	SHOW("perf_event_mmap_page.data_size", offsetof(struct perf_event_mmap_page, data_size));
	SHOW("PERF_TYPE_SOFTWARE", PERF_TYPE_SOFTWARE);
	SHOW("PERF_TYPE_TRACEPOINT", PERF_TYPE_TRACEPOINT);
	SHOW("PERF_COUNT_SW_BPF_OUTPUT", PERF_COUNT_SW_BPF_OUTPUT);
	SHOW("PERF_SAMPLE_RAW", PERF_SAMPLE_RAW);
	SHOW("PERF_RECORD_SAMPLE", PERF_RECORD_SAMPLE);
	SHOW("PERF_RECORD_LOST", PERF_RECORD_LOST);
	SHOW("PERF_EVENT_IOC_ENABLE", PERF_EVENT_IOC_ENABLE);
	SHOW("PERF_EVENT_IOC_DISABLE", PERF_EVENT_IOC_DISABLE);
	SHOW("PERF_EVENT_IOC_SET_BPF", PERF_EVENT_IOC_SET_BPF);
	SHOW("BPF_RINGBUF_BUSY_BIT", BPF_RINGBUF_BUSY_BIT);
	SHOW("BPF_RINGBUF_DISCARD_BIT", BPF_RINGBUF_DISCARD_BIT);
	SHOW("BPF_RINGBUF_HDR_SZ", BPF_RINGBUF_HDR_SZ);
	SHOW("XDP_FLAGS_SKB_MODE", XDP_FLAGS_SKB_MODE);
	SHOW("XDP_FLAGS_DRV_MODE", XDP_FLAGS_DRV_MODE);
	SHOW("XDP_FLAGS_HW_MODE", XDP_FLAGS_HW_MODE);
	SHOW("BPF_LINK_TYPE_PERF_EVENT", BPF_LINK_TYPE_PERF_EVENT);
	SHOW("BPF_LINK_TYPE_XDP", BPF_LINK_TYPE_XDP);
	SHOW("SOL_SOCKET", SOL_SOCKET);
	SHOW("SO_ATTACH_BPF", SO_ATTACH_BPF);
	SHOW("SO_DETACH_BPF", SO_DETACH_BPF);
	return 0;
}
