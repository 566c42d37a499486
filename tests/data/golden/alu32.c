// Golden fixture: 32-bit ALU and JMP32 (-mcpu=v3 makes clang use w registers): add/sub/mul,
// unsigned div/mod, logical and arithmetic shifts, negation, the three byte swaps and 64-bit
// constants (lddw).
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;

#define SEC(n) __attribute__((section(n), used))

struct args {
	u32 a, b, c, d;
	u64 wide;
};

SEC("tc")
u64 alu32(struct args *x)
{
	u32 a = x->a, b = x->b, c = x->c;
	s32 d = (s32)x->d;
	u32 r;

	r = a * 2654435761u + b;
	r ^= r >> 15;
	r -= c << 3;
	if (b != 0)
		r += a / b + a % b;
	if (d < -7)
		r = -r;
	else if ((s32)r > d)
		r |= (u32)(d >> 3);
	if (a > 1000 && c <= 77)
		r &= 0xfff0;
	r = __builtin_bswap32(r);
	u16 h = __builtin_bswap16((u16)r);
	u64 w = __builtin_bswap64(x->wide) ^ 0x0123456789abcdefull;
	w += (u64)h << 40;
	if (w > 0xfedcba9876543210ull)
		w = 0x7fffffffffffffffull;
	return w + r;
}
