// Fixture maps_legacy: maps declared the pre-BTF way, as `struct bpf_map_def` variables in a
// section named "maps" (libbpf < 1.0, iproute2, old samples/bpf). libbpf 1.x refuses such
// objects, so this one is for the reader only.
// Covers: SEC("maps") definitions of ARRAY, HASH (BPF_F_NO_PREALLOC), PERCPU_HASH and
// PROG_ARRAY, 20 bytes each, found through the symbol table (no BTF VAR for the map layout);
// helpers declared by hand as pointers to helper ids; LD_ABS packet loads in a socket
// filter; a tail call; "license" and "version". Built for the default cpu (v1).
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))

/* The historical layout (samples/bpf/bpf_load.h); a loader infers the size from the section. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

static void *(*map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;
static long (*map_update_elem)(void *map, const void *key, const void *value, __u64 flags) =
	(void *)BPF_FUNC_map_update_elem;
static long (*tail_call)(void *ctx, void *map, __u32 index) = (void *)BPF_FUNC_tail_call;

/* LD_ABS byte/half loads: the packet is read relative to the skb, big-endian. */
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");

struct bpf_map_def SEC("maps") proto_count = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 256,
};

struct bpf_map_def SEC("maps") port_count = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u16),
	.value_size = sizeof(__u64),
	.max_entries = 1024,
	.map_flags = BPF_F_NO_PREALLOC,
};

struct bpf_map_def SEC("maps") cpu_bytes = {
	.type = BPF_MAP_TYPE_PERCPU_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 64,
};

struct bpf_map_def SEC("maps") jumps = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 8,
};

SEC("socket")
int count_protocols(struct __sk_buff *skb)
{
	/* Ethernet + IPv4 without options: protocol at 23, destination port at 36. */
	__u32 proto = load_byte(skb, 23);
	__u16 port = load_half(skb, 36);
	__u64 one = 1, *value;

	if (load_half(skb, 12) != 0x0800)
		return 0;
	value = map_lookup_elem(&proto_count, &proto);
	if (value)
		__sync_fetch_and_add(value, 1);
	value = map_lookup_elem(&port_count, &port);
	if (value)
		__sync_fetch_and_add(value, 1);
	else
		map_update_elem(&port_count, &port, &one, BPF_ANY);
	tail_call(skb, &jumps, proto & 7);
	return -1;
}

SEC("socket")
int count_bytes(struct __sk_buff *skb)
{
	__u32 key = skb->ifindex;
	__u64 *bytes = map_lookup_elem(&cpu_bytes, &key);

	if (bytes)
		*bytes += skb->len;
	return -1;
}

char _license[] SEC("license") = "GPL";
unsigned int _version SEC("version") = 0x060100;
