// XDP fixture of the userspace runtime (tests/SharpBpf.Runtime.Tests/Hook*.cs and
// `sharpbpf run xdp_filter.o --section xdp --pcap packets.pcap`): counts verdicts in an ARRAY,
// packets per IP protocol in a HASH, bytes in a PERCPU_ARRAY, drops UDP to a port set in
// .rodata, answers ICMP with XDP_TX, reports drops in a RINGBUF, counts every packet in .bss
// and loops over the first bytes with bpf_loop.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 5);
	__type(key, __u32);
	__type(value, __u64);
} verdicts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u8);
	__type(value, __u64);
} protocols SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bytes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} drops SEC(".maps");

struct drop_event {
	__u32 saddr;
	__u16 dport;
	__u8 protocol;
	__u8 pad;
};

const volatile __u16 blocked_port = 53;
__u64 packets_seen = 0;

static long add_byte(__u32 index, void *ctx)
{
	__u64 *sum = ctx;
	*sum += index;
	return 0;
}

SEC("xdp")
int xdp_filter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 action = XDP_PASS;
	__u32 zero = 0;
	__u64 sum = 0;

	__sync_fetch_and_add(&packets_seen, 1);
	__u64 *b = bpf_map_lookup_elem(&bytes, &zero);
	if (b)
		*b += end - data;
	bpf_loop(4, add_byte, &sum, 0);

	if ((void *)(eth + 1) > end) {
		action = XDP_ABORTED;
		goto out;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		goto out;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end) {
		action = XDP_DROP;
		goto out;
	}
	__u8 proto = ip->protocol;
	__u64 *count = bpf_map_lookup_elem(&protocols, &proto);
	if (count) {
		__sync_fetch_and_add(count, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&protocols, &proto, &one, BPF_NOEXIST);
	}
	if (proto == IPPROTO_ICMP) {
		action = XDP_TX;
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *udp = (void *)(ip + 1);
		if ((void *)(udp + 1) > end) {
			action = XDP_DROP;
			goto out;
		}
		if (udp->dest == bpf_htons(blocked_port)) {
			action = XDP_DROP;
			struct drop_event *e = bpf_ringbuf_reserve(&drops, sizeof(*e), 0);
			if (e) {
				e->saddr = ip->saddr;
				e->dport = bpf_ntohs(udp->dest);
				e->protocol = proto;
				e->pad = sum;
				bpf_ringbuf_submit(e, 0);
			}
		}
	}
out:;
	__u32 key = action;
	__u64 *v = bpf_map_lookup_elem(&verdicts, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	return action;
}

char LICENSE[] SEC("license") = "GPL";
