// Fixture subprogs: bpf-to-bpf calls into functions kept in .text and shared by programs in
// three sections, so a loader must append each callee to every caller and fix the call
// offsets (R_BPF_64_32 relocations against .text symbols).
// Covers: static noinline functions (BTF FUNC linkage static), global noinline functions
// (linkage global: the kernel verifies them once, on their argument types alone), a hidden
// global, a subprogram calling another, a five-argument call, a subprogram that uses a map,
// a bpf_loop callback (ld_imm64 of a function address: BPF_PSEUDO_FUNC), calls from xdp,
// tc and socket programs. Built with -mcpu=v3 (JMP32, ALU32 sub-registers).
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct pkt_info {
	__u32 len;
	__u32 mark;
	__u32 queue;
	__u32 hash;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} len_histogram SEC(".maps");

/* Static: only ever verified in the context of its caller. */
static __noinline __u32 mix32(__u32 x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	return x ^ (x >> 16);
}

/* Static calling static: a two-level call chain. */
static __noinline __u32 combine(__u32 a, __u32 b)
{
	return mix32(a) ^ (mix32(b) << 1);
}

/* Five arguments: r1-r5 all carry values. */
static __noinline __u64 weigh(__u32 len, __u32 mark, __u32 queue, __u32 hash, __u64 scale)
{
	return ((__u64)len * scale + mark + queue) ^ hash;
}

/* Global: verified on its own, so the pointer argument must be checked for NULL. */
__noinline int bucket_of(const struct pkt_info *info)
{
	__u32 b = 0;

	if (!info)
		return -1;
	for (__u32 limit = 64; limit < info->len && b < 7; limit <<= 1)
		b++;
	return b;
}

/* Global, and it updates a map: its relocation is in .rel.text, shared by all callers. */
__noinline int record(__u32 bucket)
{
	__u64 *count = bpf_map_lookup_elem(&len_histogram, &bucket);

	if (!count)
		return 0;
	__sync_fetch_and_add(count, 1);
	return 1;
}

/* Hidden global: not exported from a static library; libbpf verifies it as static. */
__hidden __noinline __u32 fold(__u64 v)
{
	return (__u32)v ^ (__u32)(v >> 32);
}

struct loop_state {
	__u32 seed;
	__u32 acc;
};

/* bpf_loop callback: its address is taken, not called. */
static int loop_step(__u32 index, struct loop_state *state)
{
	state->acc += combine(state->seed, index);
	return state->acc > 0x7fffffff; /* 1 stops the loop */
}

static __always_inline int account(struct pkt_info *info)
{
	struct loop_state state = { .seed = info->hash };
	int bucket = bucket_of(info);

	info->hash = combine(info->len, info->mark);
	bpf_loop(4, loop_step, &state, 0);
	if (bucket >= 0)
		record(bucket);
	return fold(weigh(info->len, info->mark, info->queue, info->hash, state.acc | 1));
}

SEC("xdp")
int xdp_subprogs(struct xdp_md *ctx)
{
	struct pkt_info info = {
		.len = ctx->data_end - ctx->data,
		.queue = ctx->rx_queue_index,
	};

	return account(&info) & 1 ? XDP_PASS : XDP_DROP;
}

SEC("tc")
int tc_subprogs(struct __sk_buff *skb)
{
	struct pkt_info info = {
		.len = skb->len,
		.mark = skb->mark,
		.queue = skb->queue_mapping,
		.hash = skb->hash,
	};

	skb->mark = account(&info);
	return TC_ACT_OK;
}

SEC("socket")
int socket_subprogs(struct __sk_buff *skb)
{
	struct pkt_info info = { .len = skb->len };

	/* Only two of the callees: a loader must not drag in the rest. */
	return record(bucket_of(&info)) ? skb->len : 0;
}

char LICENSE[] SEC("license") = "GPL";
