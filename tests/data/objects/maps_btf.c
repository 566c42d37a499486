// Fixture maps_btf: BTF-defined maps in ".maps", one of each common type and every way of
// spelling a definition, used from XDP programs that tail-call each other.
// Covers: ARRAY, HASH (map_flags = BPF_F_NO_PREALLOC), PERCPU_ARRAY (key_size/value_size
// form), LRU_HASH (pinning = LIBBPF_PIN_BY_NAME), RINGBUF, PERF_EVENT_ARRAY (no max_entries:
// libbpf sizes it to the CPU count), PROG_ARRAY statically initialised with programs,
// ARRAY_OF_MAPS with a named inner map type and initial inner maps, HASH_OF_MAPS with an
// anonymous inner definition; struct keys and values; relocations in ".rel.maps"; helpers
// map_lookup/update/delete_elem, ringbuf_reserve/submit/output, perf_event_output, tail_call
// (plain and bpf_tail_call_static's inline asm). Built with -mcpu=v3.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct stats {
	__u64 packets;
	__u64 bytes;
};

struct event {
	__u32 ifindex;
	__u32 len;
	__u64 timestamp;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} flows SEC(".maps");

/* Sizes instead of types: no key/value BTF is recorded for this map. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 64);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct event);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} recent_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 4096); /* bytes: a power of two, page-aligned */
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

/* Tail-call targets, declared so the PROG_ARRAY initialiser below can name them. */
int xdp_tail_ipv4(struct xdp_md *ctx);
int xdp_tail_ipv6(struct xdp_md *ctx);

enum { SLOT_IPV4 = 1, SLOT_IPV6 = 2 };

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (struct xdp_md *));
} jump_table SEC(".maps") = {
	.values = {
		[SLOT_IPV4] = (void *)&xdp_tail_ipv4,
		[SLOT_IPV6] = (void *)&xdp_tail_ipv6,
	},
};

struct inner_array {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_array);
} outer_array SEC(".maps") = {
	.values = { &inner_a, [3] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 16);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__uint(max_entries, 32);
		__type(key, __u32);
		__type(value, __u32);
	});
} outer_hash SEC(".maps");

SEC("xdp")
int xdp_maps(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 len = data_end - data;
	__u32 zero = 0, queue = ctx->rx_queue_index;
	struct flow_key key = { .proto = 17, .sport = (__u16)queue };
	struct event e, *event;
	struct stats *s;
	__u64 one = 1, *seen;
	__u8 *buf;
	void *inner;

	s = bpf_map_lookup_elem(&stats, &queue);
	if (s) {
		__sync_fetch_and_add(&s->packets, 1);
		__sync_fetch_and_add(&s->bytes, len);
	}

	seen = bpf_map_lookup_elem(&flows, &key);
	if (seen)
		__sync_fetch_and_add(seen, 1);
	else
		bpf_map_update_elem(&flows, &key, &one, BPF_NOEXIST);

	buf = bpf_map_lookup_elem(&scratch, &zero);
	if (buf)
		buf[len & 63] = 0xff;

	e.ifindex = ctx->ingress_ifindex;
	e.len = len;
	e.timestamp = bpf_ktime_get_ns();
	bpf_map_update_elem(&recent_events, &e.ifindex, &e, BPF_ANY);
	event = bpf_ringbuf_reserve(&ring, sizeof(*event), 0);
	if (event) {
		*event = e;
		bpf_ringbuf_submit(event, 0);
	} else {
		/* No room to reserve: the copying variant, then the perf buffer as a last resort. */
		if (bpf_ringbuf_output(&ring, &e, sizeof(e), BPF_RB_FORCE_WAKEUP))
			bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	}

	inner = bpf_map_lookup_elem(&outer_array, &zero);
	if (inner) {
		__u64 *slot = bpf_map_lookup_elem(inner, &queue);

		if (slot)
			*slot += len;
	}
	inner = bpf_map_lookup_elem(&outer_hash, &queue);
	if (inner)
		bpf_map_delete_elem(inner, &zero);

	if (len >= 34)
		bpf_tail_call(ctx, &jump_table, SLOT_IPV4);
	return XDP_PASS;
}

SEC("xdp")
int xdp_tail_ipv4(struct xdp_md *ctx)
{
	/* A constant slot, as bpf_tail_call_static emits it: the verifier can then patch a direct jump. */
	bpf_tail_call_static(ctx, &jump_table, SLOT_IPV6);
	return XDP_PASS;
}

SEC("xdp")
int xdp_tail_ipv6(struct xdp_md *ctx)
{
	__u32 slot = SLOT_IPV6;
	struct stats *s = bpf_map_lookup_elem(&stats, &slot);

	if (s)
		s->packets++;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
