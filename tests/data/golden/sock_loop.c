// Golden fixture: a socket-filter-style program built for the oldest ISA (-mcpu=v1): legacy
// packet loads (LD_ABS / LD_IND through the llvm.bpf.load.* intrinsics), bounded loops kept as
// loops (nounroll), signed and unsigned compares, shifts and a stack array.
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;

#define SEC(n) __attribute__((section(n), used))

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

SEC("socket")
int sock_loop(void *skb)
{
	u64 hist[8];
	s64 acc = 0;
	u32 i;

	if (load_half(skb, 12) != 0x0800)
		return 0;
	u64 hlen = (load_byte(skb, 14) & 0xf) << 2;

#pragma nounroll
	for (i = 0; i < 8; i++)
		hist[i] = 0;

#pragma nounroll
	for (i = 0; i < 32; i++) {
		u64 b = load_byte(skb, 14 + hlen + i);
		hist[b >> 5] += b;
		acc += (s64)(b << 56) >> 60;	/* signed extraction via arithmetic shift */
	}

	u64 src = load_word(skb, 26);
	if ((s64)acc < -4)
		return 1;
	if (src >> 24 == 10)		/* 10.0.0.0/8 */
		return 0xffff;
	u64 best = 0;
#pragma nounroll
	for (i = 0; i < 8; i++)
		if (hist[i] > best)
			best = hist[i];
	return (s64)best > 1000 ? -1 : (int)(best & 0x7fff);
}
