// Golden fixture: bpf-to-bpf calls to static noinline functions kept in the program's own
// section (so the call needs no relocation), helper calls by id, stack spills and a switch,
// built for -mcpu=v2 (64-bit registers, JLT/JLE and friends).
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;

#define SEC(n) __attribute__((section(n), used))
#define LOCAL static __attribute__((noinline, section("classifier")))

/* Helpers by id: 5 = ktime_get_ns, 7 = get_prandom_u32, 8 = get_smp_processor_id. */
static u64 (*ktime_get_ns)(void) = (void *)5;
static u32 (*get_prandom_u32)(void) = (void *)7;
static u32 (*get_smp_processor_id)(void) = (void *)8;

LOCAL u64 mix(u64 x, u64 k)
{
	x ^= k;
	x *= 0x9e3779b97f4a7c15ull;
	return x ^ (x >> 29);
}

LOCAL s64 classify(s64 v, u32 cpu)
{
	switch (v & 7) {
	case 0: return v + cpu;
	case 1: return v - 3;
	case 2: return -v;
	case 3: return v << 2;
	case 5: return v >> 1;
	default: return v & 0xff;
	}
}

SEC("classifier")
int subprog(u64 *ctx)
{
	volatile u64 slots[4];
	u64 t = ktime_get_ns();
	u32 r = get_prandom_u32();

	slots[0] = t;
	slots[1] = r;
	slots[2] = mix(t, ctx[0]);
	slots[3] = mix(slots[2], r);
	s64 v = classify((s64)slots[3], get_smp_processor_id());
	if (v < 0)
		return -1;
	return (int)((u64)v % 251) + (int)slots[1];
}
