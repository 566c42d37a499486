/* BTF C-dump fixture, linked with dups_b.c by `bpftool gen object` into dups.o: both define a
 * different struct foo, typedef counter_t, enum state (with the same enumerator names) and
 * union val, so the linked BTF holds two distinct types of each name and the dump renames the
 * second ones foo___2, counter_t___2, STATE_IDLE___2, ... */

typedef unsigned int counter_t;

struct foo {
	int a;
	counter_t n;
};

enum state {
	STATE_IDLE,
	STATE_BUSY,
};

union val {
	int i;
	struct foo *f;
};

struct holder_a {
	struct foo foo;
	enum state st;
	union val v;
};

struct holder_a g_holder_a;
