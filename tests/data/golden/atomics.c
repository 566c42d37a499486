// Golden fixture: the atomic family (-mcpu=v3): __sync_fetch_and_add with and without using the
// result (lock add / atomic_fetch_add), or/and/xor fetch forms, exchange and compare-and-swap,
// on 64-bit and 32-bit words. llvm-objdump 14 prints the 32-bit forms other than add as
// <unknown> (they exist only in its alu32 decoder tables); the tests skip those lines.
typedef unsigned int u32;
typedef unsigned long long u64;

#define SEC(n) __attribute__((section(n), used))

struct counters {
	u64 packets;
	u64 bytes;
	u64 flags;
	u64 owner;
	u32 small;
	u32 small_flags;
};

SEC("kprobe/atomics")
u64 atomics(struct counters *c)
{
	u64 len = c->bytes & 0xffff;

	__sync_fetch_and_add(&c->packets, 1);
	u64 before = __sync_fetch_and_add(&c->bytes, len);
	__sync_fetch_and_add(&c->small, 3);
	u64 f = __sync_fetch_and_or(&c->flags, 4);
	f ^= __sync_fetch_and_and(&c->flags, ~1ull);
	f += __sync_fetch_and_xor(&c->flags, 0x10);
	u64 old = __sync_lock_test_and_set(&c->owner, 42);
	u64 seen = __sync_val_compare_and_swap(&c->owner, 42, old);
	u32 s = __sync_fetch_and_add(&c->small, 7);
	s += __sync_val_compare_and_swap(&c->small_flags, 0, s);
	s ^= __sync_fetch_and_or(&c->small_flags, 0x100);
	__sync_fetch_and_xor(&c->small_flags, 2);
	return before + f + seen + s;
}
