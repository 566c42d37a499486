// Fixture core_task: CO-RE against the running kernel's own types, built from a vmlinux.h
// that rebuild.sh generates with bpftool (every struct in it carries preserve_access_index).
// Covers the .BTF.ext CO-RE relocation kinds clang-14 emits: field byte offset (direct and
// BPF_CORE_READ reads of task_struct fields, through pointers and an anonymous struct in
// mm_struct, an array element), field byte size, field exists (also on a ___flavor type
// for pre-5.14 kernels), field signed, field lshift_u64 and rshift_u64 (bitfields read with
// BPF_CORE_READ_BITFIELD and _PROBED), type id local and target, type exists, type size,
// enum value exists and enum value. Programs: tp_btf/NAME (typed pointers, direct reads)
// and tp/CAT/NAME (bpf_get_current_task + bpf_probe_read_kernel); a RINGBUF map.
// Built with -mcpu=v3 and -D__TARGET_ARCH_x86.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct task_info {
	__u32 pid;
	__u32 tgid;
	__u32 ppid;
	__u32 state;
	__u64 start_time;
	__u64 total_vm;
	__u32 in_execve;
	__u32 sched_reset_on_fork;
	__s32 exit_code;
	__u32 exit_code_signed;
	__u32 comm_size;
	__u32 pid_offset;
	__u32 task_size;
	__u32 local_type_id;
	__u32 kernel_type_id;
	__u32 has_iter_num;
	__u32 has_pidtype_sid;
	__u32 pidtype_max;
	char first;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} task_events SEC(".maps");

/* Before 5.14 the field was `volatile long state`; the ___pre514 flavor names that layout. */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline __u32 task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_direct, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_info *info = bpf_ringbuf_reserve(&task_events, sizeof(*info), 0);
	struct mm_struct *mm;

	if (!info)
		return 0;
	__builtin_memset(info, 0, sizeof(*info));
	/* Typed pointers: plain loads, each with a field-offset relocation. */
	info->pid = task->pid;
	info->tgid = task->tgid;
	info->ppid = task->real_parent->tgid;
	info->start_time = task->start_time;
	info->exit_code = task->exit_code;
	info->state = task_state(task);
	info->in_execve = BPF_CORE_READ_BITFIELD(task, in_execve);
	mm = task->mm;
	if (mm)
		info->total_vm = mm->total_vm;
	bpf_core_read_str(info->comm, sizeof(info->comm), &task->comm);
	bpf_ringbuf_submit(info, 0);
	return 0;
}

SEC("tp/sched/sched_switch")
int switch_probed(struct trace_event_raw_sched_switch *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_info info = {};

	/* The tracepoint record is itself a vmlinux.h type: its reads are relocated too. */
	if (ctx->prev_pid == 0)
		return 0;
	info.pid = BPF_CORE_READ(t, pid);
	info.tgid = BPF_CORE_READ(t, tgid);
	info.ppid = BPF_CORE_READ(t, real_parent, tgid);
	info.total_vm = BPF_CORE_READ(t, mm, total_vm);
	info.first = BPF_CORE_READ(t, comm[0]);
	BPF_CORE_READ_INTO(&info.start_time, t, start_time);
	BPF_CORE_READ_STR_INTO(&info.comm, t, comm);
	info.sched_reset_on_fork = BPF_CORE_READ_BITFIELD_PROBED(t, sched_reset_on_fork);
	info.state = task_state(t);

	/* Field, type and enum facts of the target kernel, resolved by the loader. */
	info.comm_size = bpf_core_field_size(t->comm);
	info.pid_offset = bpf_core_field_offset(t->pid);
	info.exit_code_signed = __builtin_preserve_field_info(t->exit_code, BPF_FIELD_SIGNED);
	info.task_size = bpf_core_type_size(struct task_struct);
	info.local_type_id = bpf_core_type_id_local(struct task_struct);
	info.kernel_type_id = bpf_core_type_id_kernel(struct task_struct);
	info.has_iter_num = bpf_core_type_exists(struct bpf_iter_num);
	info.has_pidtype_sid = bpf_core_enum_value_exists(enum pid_type, PIDTYPE_SID);
	info.pidtype_max = bpf_core_enum_value(enum pid_type, PIDTYPE_MAX);

	bpf_ringbuf_output(&task_events, &info, sizeof(info), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
