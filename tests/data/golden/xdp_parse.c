// Golden fixture: an XDP-style parser (Ethernet -> optional VLAN -> IPv4 -> UDP/TCP) with the
// data/data_end bounds checks the verifier wants, byte and halfword loads, be16 swaps and a
// switch on the protocol. Written for SharpBpf; rebuild with ./rebuild.sh.
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define SEC(n) __attribute__((section(n), used))

struct xdp_ctx {
	u32 data;
	u32 data_end;
	u32 data_meta;
	u32 ingress_ifindex;
	u32 rx_queue_index;
};

enum { PASS = 2, DROP = 1, TX = 3 };

SEC("xdp")
int xdp_parse(struct xdp_ctx *ctx)
{
	u8 *p = (u8 *)(unsigned long)ctx->data;
	u8 *end = (u8 *)(unsigned long)ctx->data_end;
	u16 proto;
	u32 hdr = 14;

	if (p + 14 > end)
		return DROP;
	proto = __builtin_bswap16(*(u16 *)(p + 12));
	if (proto == 0x8100) {
		if (p + 18 > end)
			return DROP;
		proto = (u16)(p[16] << 8 | p[17]);
		hdr = 18;
	}
	if (proto != 0x0800)
		return PASS;

	u8 *ip = p + hdr;
	if (ip + 20 > end)
		return DROP;
	u8 ihl = ip[0] & 0x0f;
	if (ihl < 5)
		return DROP;
	u8 *l4 = ip + ihl * 4;
	if (l4 + 8 > end)
		return DROP;

	u16 dport;
	switch (ip[9]) {
	case 6:  /* TCP */
		if (l4 + 20 > end)
			return DROP;
		if (l4[13] & 0x02)	/* SYN */
			return TX;
		dport = __builtin_bswap16(*(u16 *)(l4 + 2));
		break;
	case 17: /* UDP */
		dport = __builtin_bswap16(*(u16 *)(l4 + 2));
		if (dport == 53)
			return TX;
		break;
	case 1:  /* ICMP */
		return l4[0] == 8 ? TX : PASS;
	default:
		return PASS;
	}
	return dport < 1024 ? PASS : DROP;
}
