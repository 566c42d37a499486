/* BTF C-dump fixture: what a BPF program's .BTF holds besides plain types. FUNCs and their
 * FUNC_PROTOs, global and static variables in .data/.bss/.rodata DATASECs, a BTF-defined map in
 * .maps, externs (.kconfig), enums (named, anonymous, typedef'd, with negative and large
 * values), btf_type_tag and btf_decl_tag attributes. The C dump leaves FUNC, VAR, DATASEC and
 * DECL_TAG out and prints the types they use. */

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __user __attribute__((btf_type_tag("user")))
#define __rcu __attribute__((btf_type_tag("rcu")))
#define __tag(x) __attribute__((btf_decl_tag(x)))

typedef unsigned int __u32;
typedef unsigned long long __u64;

enum color {
	RED,
	GREEN = 5,
	BLUE,
};

enum signs {
	NEG = -1,
	MIN_INT = -2147483647 - 1,
	POS = 2147483647,
};

enum wide {
	W_SMALL = 1,
	W_BIG = 0xffffffffu,
};

enum {
	ANON_A = 10,
	ANON_B = 20,
};

typedef enum {
	MODE_OFF,
	MODE_ON,
} mode_t;

struct event {
	__u32 pid;
	enum color color;
	mode_t mode;
	enum {
		INLINE_X = 1,
		INLINE_Y = 2,
	} inline_enum;
	int __user *uptr;
	char __user *__rcu *uptr2;
	const int __user *cuptr;
	int field __tag("field_tag");
	__u64 ts;
};

struct value {
	__u64 packets;
	__u64 bytes;
} __tag("struct_tag");

struct {
	__uint(type, 1);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, struct value);
} counts SEC(".maps");

extern unsigned int LINUX_KERNEL_VERSION __attribute__((section(".kconfig"), weak));

int global_counter = 3;
static volatile int static_counter;
const volatile __u64 config_limit = 100;
struct event last_event;
char _license[] SEC("license") = "GPL";
int __tag("var_tag") tagged_var;

static __attribute__((noinline)) int helper(struct event *e __tag("param_tag"), int __user *p)
{
	return e->pid + static_counter + (p != 0);
}

__attribute__((noinline)) __tag("func_tag") int global_func(struct value *v, enum signs s)
{
	return v ? (int)v->bytes + s : ANON_B;
}

SEC("tracepoint/sched/sched_switch")
int handle(void *ctx)
{
	struct event *e = &last_event;

	e->color = BLUE;
	global_counter++;
	return helper(e, 0) + global_func(0, NEG) + (int)config_limit + LINUX_KERNEL_VERSION;
}
