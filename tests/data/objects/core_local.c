// Fixture core_local: CO-RE with locally declared types whose layout deliberately differs
// from the kernel's, so relocating against /sys/kernel/btf/vmlinux must change the offsets
// compiled in. No vmlinux.h: every kernel type here is a libbpf "___flavor" (the suffix after
// three underscores is ignored when matching names) marked preserve_access_index.
// Covers: members in another order (tgid before pid), a pointer member reached through an
// anonymous struct in the kernel (mm->total_vm), bitfields at other bit offsets, a member
// the kernel does not have (guarded by bpf_core_field_exists), a member of another size
// (short prio vs int: bpf_core_field_size), the pre-5.14 `long state` flavor, a flavored enum
// with other values and an enumerator the kernel lacks, a type the kernel lacks, the local
// struct's size vs the kernel's. Results go to an ARRAY map beside the compile-time values,
// for a test to compare. Programs: tp_btf/NAME (direct reads) and raw_tp/NAME
// (bpf_probe_read_kernel). Built for the default cpu (v1) with -D__TARGET_ARCH_x86.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct mm_struct___local {
	unsigned long total_vm;
} __attribute__((preserve_access_index));

struct task_struct___local {
	int tgid;
	int pid;
	unsigned int sched_reset_on_fork : 1;
	unsigned int in_execve : 1;
	char comm[16];
	struct task_struct___local *real_parent;
	struct mm_struct___local *mm;
	unsigned long long sharpbpf_cookie; /* in no kernel */
	short prio;			    /* an int in the kernel */
	unsigned int __state;
} __attribute__((preserve_access_index));

/* Kernels before 5.14 had `volatile long state` instead of `unsigned int __state`. */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

/* Values differ from the kernel's enum pid_type (PID 0, TGID 1, PGID 2, SID 3, MAX 4). */
enum pid_type___local {
	PIDTYPE_MAX___local = 1,
	PIDTYPE_SID___local = 2,
	PIDTYPE_SHARPBPF___local = 3, /* in no kernel */
};

struct sharpbpf_missing___local {
	int never;
};

struct core_result {
	__s32 pid;
	__s32 tgid;
	__s32 ppid;
	__u32 state;
	__u64 total_vm;
	__u64 cookie;
	__u32 in_execve;
	__u32 sched_reset_on_fork;
	__u32 local_pid_offset;	 /* 4: as compiled */
	__u32 kernel_pid_offset; /* as relocated */
	__u32 local_tgid_offset;
	__u32 kernel_tgid_offset;
	__u32 local_prio_size;	 /* 2 */
	__u32 kernel_prio_size;	 /* 4 */
	__u32 has_cookie;	 /* 0 */
	__u32 has_state;	 /* 1 on 5.14+ */
	__u32 has_old_state;	 /* 0 on 5.14+ */
	__u32 has_missing_type;	 /* 0 */
	__u32 local_task_size;	 /* sizeof, as compiled */
	__u32 kernel_task_size;	 /* the kernel's sizeof(struct task_struct) */
	__u32 pidtype_max;	 /* 4 */
	__u32 pidtype_sid;	 /* 3 */
	__u32 has_pidtype_sharpbpf; /* 0 */
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct core_result);
} results SEC(".maps");

static __always_inline void fill_facts(struct core_result *r, struct task_struct___local *t)
{
	r->local_pid_offset = __builtin_offsetof(struct task_struct___local, pid);
	r->kernel_pid_offset = bpf_core_field_offset(t->pid);
	r->local_tgid_offset = __builtin_offsetof(struct task_struct___local, tgid);
	r->kernel_tgid_offset = bpf_core_field_offset(t->tgid);
	r->local_prio_size = sizeof(t->prio);
	r->kernel_prio_size = bpf_core_field_size(t->prio);
	r->has_cookie = bpf_core_field_exists(t->sharpbpf_cookie);
	r->has_state = bpf_core_field_exists(t->__state);
	r->has_old_state = bpf_core_field_exists(((struct task_struct___pre514 *)t)->state);
	r->has_missing_type = bpf_core_type_exists(struct sharpbpf_missing___local);
	r->local_task_size = sizeof(struct task_struct___local);
	r->kernel_task_size = bpf_core_type_size(struct task_struct___local);
	r->pidtype_max = bpf_core_enum_value(enum pid_type___local, PIDTYPE_MAX___local);
	r->pidtype_sid = bpf_core_enum_value(enum pid_type___local, PIDTYPE_SID___local);
	r->has_pidtype_sharpbpf =
		bpf_core_enum_value_exists(enum pid_type___local, PIDTYPE_SHARPBPF___local);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(fork_direct, struct task_struct___local *parent, struct task_struct___local *child)
{
	__u32 key = 0;
	struct core_result *r = bpf_map_lookup_elem(&results, &key);
	struct mm_struct___local *mm;

	if (!r)
		return 0;
	/* Typed pointers: plain loads whose offsets the loader rewrites. */
	r->pid = child->pid;
	r->tgid = child->tgid;
	r->ppid = parent->tgid;
	r->state = child->__state;
	r->in_execve = BPF_CORE_READ_BITFIELD(child, in_execve);
	mm = child->mm;
	if (mm)
		r->total_vm = mm->total_vm;
	/* Dead on every kernel, so the loader's poisoned instruction is never reached. */
	r->cookie = bpf_core_field_exists(child->sharpbpf_cookie) ? child->sharpbpf_cookie : 0;
	bpf_core_read_str(r->comm, sizeof(r->comm), &child->comm);
	fill_facts(r, child);
	return 0;
}

SEC("raw_tp/sched_switch")
int switch_probed(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct___local *t = (void *)bpf_get_current_task();
	__u32 key = 1;
	struct core_result *r = bpf_map_lookup_elem(&results, &key);

	if (!r)
		return 0;
	r->pid = BPF_CORE_READ(t, pid);
	r->tgid = BPF_CORE_READ(t, tgid);
	r->ppid = BPF_CORE_READ(t, real_parent, tgid);
	r->total_vm = BPF_CORE_READ(t, mm, total_vm);
	r->sched_reset_on_fork = BPF_CORE_READ_BITFIELD_PROBED(t, sched_reset_on_fork);
	if (bpf_core_field_exists(t->__state))
		r->state = BPF_CORE_READ(t, __state);
	else
		r->state = BPF_CORE_READ((struct task_struct___pre514 *)t, state);
	if (bpf_core_field_exists(t->sharpbpf_cookie))
		r->cookie = BPF_CORE_READ(t, sharpbpf_cookie);
	BPF_CORE_READ_STR_INTO(&r->comm, t, comm);
	fill_facts(r, t);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
