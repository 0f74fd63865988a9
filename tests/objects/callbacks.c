/* bpf_loop and bpf_for_each_map_elem with maps: run on our engines and, through BPF_PROG_TEST_RUN, in the kernel.
 * Every result is independent of hash iteration order, so both must agree exactly. Packet layout used by the
 * programs: 14 bytes of Ethernet header, then the bytes they read as parameters. */
#include "bpf_defs.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 32);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} per_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 8);
} recent SEC(".maps");

/* ---- checksum_loop: bpf_loop over the packet, one byte per iteration, stopping at the end ---- */

struct walk {
	void *data;
	void *data_end;
	__u32 sum;
};

static long add_byte(__u64 index, void *ctx)
{
	struct walk *walk = ctx;
	__u8 *byte = (__u8 *)walk->data + (index & 0xff);
	if ((void *)(byte + 1) > walk->data_end)
		return 1;
	walk->sum += *byte;
	return 0;
}

SEC("xdp")
int checksum_loop(struct xdp_md *ctx)
{
	struct walk walk = { (void *)(long)ctx->data, (void *)(long)ctx->data_end, 0 };
	long iterations = bpf_loop(64, add_byte, &walk, 0);
	return (int)((iterations << 16) | (walk.sum & 0xffff));
}

/* ---- loop_contract: nr_loops (4 bytes, big endian), flags and the stop index come from the packet ---- */

struct counter {
	__u32 calls;
	__u32 stop_at;
};

static __attribute__((noinline)) __u32 weight(__u64 index)
{
	return (__u32)index * 3 + 1;
}

static long count_until(__u64 index, void *ctx)
{
	struct counter *counter = ctx;
	counter->calls += weight(index);
	return index == counter->stop_at ? 1 : 0;
}

SEC("xdp")
int loop_contract(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	if ((void *)(data + 20) > (void *)(long)ctx->data_end)
		return 0;
	__u32 loops = (__u32)data[14] << 24 | (__u32)data[15] << 16 | (__u32)data[16] << 8 | data[17];
	struct counter counter = { 0, data[19] };
	long result = bpf_loop(loops, count_until, &counter, data[18]);
	return (int)((__u32)result ^ (counter.calls << 12));
}

/* ---- hash_walk: count packets per class in a hash, then walk it; classes that reach 3 are removed ---- */

struct totals {
	__u64 weighted;
	__u32 visited;
	__u32 removed;
};

static long visit_count(void *map, __u32 *key, __u64 *value, void *ctx)
{
	struct totals *totals = ctx;
	totals->weighted += (__u64)(*key + 1) * *value;
	totals->visited++;
	if (*value >= 3 && bpf_map_delete_elem(map, key) == 0)
		totals->removed++;
	return 0;
}

SEC("xdp")
int hash_walk(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	if ((void *)(data + 15) > (void *)(long)ctx->data_end)
		return 0;
	__u32 class = data[14] & 15;
	__u64 one = 1;
	__u64 *count = bpf_map_lookup_elem(&counts, &class);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&counts, &class, &one, 0);
	struct totals totals = { 0, 0, 0 };
	long visited = bpf_for_each_map_elem(&counts, visit_count, &totals, 0);
	return (int)(((__u32)visited << 24) ^ (totals.removed << 20) ^ (__u32)totals.weighted ^ (totals.visited << 16));
}

/* ---- array_walk: add to the slots up to a stop slot, nesting a bpf_loop inside each visit ---- */

struct sweep {
	__u64 sum;
	__u32 stop_at;
	__u32 inner;
};

static long bump(__u64 index, void *ctx)
{
	struct sweep *sweep = ctx;
	sweep->inner += (__u32)index + 1;
	return 0;
}

static long visit_slot(void *map, __u32 *key, __u64 *value, void *ctx)
{
	struct sweep *sweep = ctx;
	*value += *key + 1;
	sweep->sum += *value;
	bpf_loop(*key, bump, sweep, 0);
	return *key == sweep->stop_at ? 1 : 0;
}

SEC("xdp")
int array_walk(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	if ((void *)(data + 15) > (void *)(long)ctx->data_end)
		return 0;
	struct sweep sweep = { 0, data[14], 0 };
	long visited = bpf_for_each_map_elem(&slots, visit_slot, &sweep, 0);
	return (int)(((__u32)visited << 28) ^ ((__u32)sweep.sum << 8) ^ sweep.inner);
}

/* ---- per_cpu_walk: the walk sees this processor's values, which this run sets before it reads them ---- */

static long set_and_sum(void *map, __u32 *key, __u64 *value, void *ctx)
{
	*value = *key * 7 + 2;
	*(__u64 *)ctx += *value;
	return 0;
}

SEC("xdp")
int per_cpu_walk(struct xdp_md *ctx)
{
	__u64 sum = 0;
	long visited = bpf_for_each_map_elem(&per_cpu, set_and_sum, &sum, 0);
	return (int)((visited << 16) | sum);
}

/* ---- lru_walk: remember the packet's class in an LRU hash, then add up what is remembered. The packets never fill
 * it: the kernel's LRU takes a free node even to replace a key, so a full map evicts where ours does not. ---- */

static long sum_recent(void *map, __u32 *key, __u32 *value, void *ctx)
{
	*(__u32 *)ctx += *key * 16 + *value;
	return 0;
}

SEC("xdp")
int lru_walk(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	if ((void *)(data + 15) > (void *)(long)ctx->data_end)
		return 0;
	__u32 class = data[14] & 7;
	__u32 seen = 1;
	__u32 *old = bpf_map_lookup_elem(&recent, &class);
	if (old)
		seen = *old + 1;
	bpf_map_update_elem(&recent, &class, &seen, 0);
	__u32 sum = 0;
	long visited = bpf_for_each_map_elem(&recent, sum_recent, &sum, 0);
	return (int)((visited << 16) | sum);
}

char LICENSE[] SEC("license") = "GPL";
