/* BTF C-dump fixture: the second half of dups.o (see dups_a.c). */

typedef unsigned long long counter_t;

struct foo {
	char tag[8];
	counter_t n;
	struct foo *next;
};

enum state {
	STATE_IDLE = 1,
	STATE_BUSY = 2,
	STATE_DEAD = 3,
};

union val {
	long l;
	enum state s;
};

struct holder_b {
	struct foo foo;
	enum state st;
	union val v;
	struct foo *(*lookup)(counter_t);
};

struct holder_b g_holder_b;
