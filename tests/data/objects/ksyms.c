// Fixture ksyms: kernel symbols as externs in the ".ksyms" section, resolved by the loader
// against the kernel's BTF (kfuncs, typed variables) or /proc/kallsyms (typeless), built
// from vmlinux.h.
// Covers: kfunc calls (in the object: call insns with src_reg 1 and imm -1, R_BPF_64_32
// relocations against undefined symbols, BTF FUNCs in DATASEC .ksyms; the loader turns them
// into BPF_PSEUDO_KFUNC_CALL with the kernel's BTF id): an acquire/release pair
// (bpf_task_acquire, bpf_task_from_pid, bpf_task_release), bpf_rcu_read_lock/unlock, a weak
// kfunc missing from every kernel whose address (ld_imm64) guards its call; a typed
// per-CPU __ksym variable (runqueues) used with bpf_this_cpu_ptr and bpf_per_cpu_ptr; a
// typeless __ksym (_stext); a weak typeless __ksym missing from every kernel (resolves to
// 0); results in .bss. Programs: tp_btf/NAME and ?tp_btf/NAME (the "?" prefix: not loaded
// by default). Built with -mcpu=v3 and -D__TARGET_ARCH_x86.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
/* Weak and absent everywhere: its address reads as 0, and the guarded call is dead code. */
extern int bpf_sharpbpf_missing_kfunc(int x) __ksym __weak;

/* Typed: the kernel's BTF has a VAR for each per-CPU variable. */
extern const struct rq runqueues __ksym;
/* Typeless: an address from /proc/kallsyms, which lists data symbols only with
 * CONFIG_KALLSYMS_ALL; the start of kernel text is there on every kernel. */
extern const void _stext __ksym;
/* Weak and absent everywhere: the loader writes 0 instead of failing. */
extern const void sharpbpf_missing_symbol __ksym __weak;

struct fork_seen {
	__s32 child_pid;
	__s32 parent_pid;
	__s32 grandparent_pid;
	__u64 stext_addr;
	__u64 missing_addr;
	__u64 forks;
	__s32 missing_kfunc;
};

struct fork_seen seen;

SEC("tp_btf/sched_process_fork")
int BPF_PROG(fork_kfuncs, struct task_struct *parent, struct task_struct *child)
{
	struct task_struct *task;

	seen.forks++;

	/* Acquire returns a reference that must be released on every path. */
	task = bpf_task_acquire(child);
	if (task) {
		seen.child_pid = task->pid;
		bpf_task_release(task);
	}
	task = bpf_task_from_pid(parent->pid);
	if (task) {
		seen.parent_pid = task->tgid;
		bpf_task_release(task);
	}

	bpf_rcu_read_lock();
	seen.grandparent_pid = parent->real_parent->tgid;
	bpf_rcu_read_unlock();

	seen.stext_addr = (__u64)&_stext;
	seen.missing_addr = (__u64)&sharpbpf_missing_symbol;
	if (bpf_sharpbpf_missing_kfunc)
		seen.missing_kfunc = bpf_sharpbpf_missing_kfunc(1);
	return 0;
}

struct run_queues {
	__u64 switches;
	__u32 nr_running_here;
	__u32 nr_running_cpu0;
};

struct run_queues queues;

/*
 * "?" before the section name: libbpf does not load this program unless asked to. The kernel
 * resolves a typed data __ksym through kallsyms, which lists data only with
 * CONFIG_KALLSYMS_ALL; without it the load fails with "ldimm64 failed to find the address".
 */
SEC("?tp_btf/sched_switch")
int BPF_PROG(switch_runqueues, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct rq *rq = bpf_this_cpu_ptr(&runqueues);

	queues.switches++;
	queues.nr_running_here = rq->nr_running;
	rq = bpf_per_cpu_ptr(&runqueues, 0);
	if (rq)
		queues.nr_running_cpu0 = rq->nr_running;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
