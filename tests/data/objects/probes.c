// Fixture probes: the dynamic-tracing section names, whose programs this kernel cannot load
// (no CONFIG_KPROBES, no fentry trampolines) but whose sections the reader must still classify.
// Covers: kprobe/FUNC, kretprobe/FUNC, uprobe//PATH:FUNC, uretprobe//PATH:FUNC, fentry/FUNC,
// fexit/FUNC; BPF_KPROBE/BPF_KRETPROBE/BPF_PROG argument unpacking (context loads at pt_regs
// and u64-array offsets); a HASH map stashing entry state for the return probe; a
// PERF_EVENT_ARRAY with bpf_perf_event_output; bpf_probe_read_kernel(_str) and
// bpf_probe_read_user_str. No vmlinux.h and no CO-RE: struct pt_regs is the uapi one.
// Built with -mcpu=v2.
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define NAME_LEN 64

/* Only the first member of the kernel's struct filename is read, so no CO-RE is needed. */
struct filename {
	const char *name;
};

struct unlink_event {
	__u32 pid;
	__s32 ret;
	__u64 duration_ns;
	char name[NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} unlink_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} unlink_events SEC(".maps");

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(kprobe_unlinkat, int dfd, struct filename *name)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	bpf_map_update_elem(&unlink_start, &tid, &now, BPF_ANY);
	return 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(kretprobe_unlinkat, long ret)
{
	struct unlink_event event = {};
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__u64 *start = bpf_map_lookup_elem(&unlink_start, &tid);

	if (!start)
		return 0;
	event.pid = id >> 32;
	event.ret = ret;
	event.duration_ns = bpf_ktime_get_ns() - *start;
	bpf_map_delete_elem(&unlink_start, &tid);
	bpf_perf_event_output(ctx, &unlink_events, BPF_F_CURRENT_CPU, &event, sizeof(event));
	return 0;
}

SEC("fentry/do_unlinkat")
int BPF_PROG(fentry_unlinkat, int dfd, struct filename *name)
{
	struct unlink_event event = {};
	const char *path;

	event.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_probe_read_kernel(&path, sizeof(path), &name->name);
	bpf_probe_read_kernel_str(event.name, sizeof(event.name), path);
	bpf_perf_event_output(ctx, &unlink_events, BPF_F_CURRENT_CPU, &event, sizeof(event));
	return 0;
}

SEC("fexit/do_unlinkat")
int BPF_PROG(fexit_unlinkat, int dfd, struct filename *name, long ret)
{
	/* fexit sees the arguments and the return value: ctx[0], ctx[1], ctx[2]. */
	return ret < 0 && dfd == -100;
}

SEC("uprobe//usr/bin/bash:readline")
int BPF_KPROBE(uprobe_readline, const char *prompt)
{
	struct unlink_event event = {};

	event.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_probe_read_user_str(event.name, sizeof(event.name), prompt);
	bpf_perf_event_output(ctx, &unlink_events, BPF_F_CURRENT_CPU, &event, sizeof(event));
	return 0;
}

SEC("uretprobe//usr/bin/bash:readline")
int BPF_KRETPROBE(uretprobe_readline, const char *line)
{
	struct unlink_event event = {};

	if (!line)
		return 0;
	event.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_probe_read_user_str(event.name, sizeof(event.name), line);
	bpf_perf_event_output(ctx, &unlink_events, BPF_F_CURRENT_CPU, &event, sizeof(event));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
