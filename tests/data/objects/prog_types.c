// Fixture prog_types: one program per libbpf SEC() name that this kernel can load, so the
// reader's section-name -> program type/attach type table is exercised on real sections.
// Covers: xdp, tc, classifier (the legacy tc name), socket, tracepoint/CAT/NAME, tp/CAT/NAME,
// raw_tracepoint/NAME, raw_tp/NAME, perf_event, cgroup_skb/ingress, cgroup_skb/egress; the
// "license" and "version" sections; one BTF-defined ARRAY map shared by every program.
// Built for the default cpu (clang-14: v1), so no JMP32 and no ALU32 sub-registers.
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

enum counter {
	C_XDP, C_TC, C_CLASSIFIER, C_SOCKET, C_TRACEPOINT, C_TP, C_RAW_TRACEPOINT, C_RAW_TP,
	C_PERF_EVENT, C_CGROUP_INGRESS, C_CGROUP_EGRESS, C_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, C_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Inlined into every program: each program gets its own lookup and its own map relocation. */
static __always_inline void count(__u32 which, __u64 amount)
{
	__u64 *value = bpf_map_lookup_elem(&counters, &which);

	if (value)
		__sync_fetch_and_add(value, amount);
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	count(C_XDP, data_end - data);
	/* Runt frames (shorter than an Ethernet header) are dropped. */
	return data + 14 > data_end ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	count(C_TC, skb->len);
	return TC_ACT_OK;
}

SEC("classifier")
int classifier_count(struct __sk_buff *skb)
{
	count(C_CLASSIFIER, 1);
	return skb->mark == 0x2a ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

SEC("socket")
int socket_count(struct __sk_buff *skb)
{
	count(C_SOCKET, 1);
	/* A socket filter returns how many bytes to keep: all of it. */
	return skb->len;
}

/* Layout of the syscalls:sys_enter_* tracepoints (see its format file in tracefs). */
struct sys_enter_args {
	__u64 common;
	__s64 syscall_nr;
	__u64 args[6];
};

SEC("tracepoint/syscalls/sys_enter_openat")
int tracepoint_openat(struct sys_enter_args *ctx)
{
	/* args[2] of openat is the flags word. */
	count(C_TRACEPOINT, ctx->args[2] & 1);
	return 0;
}

SEC("tp/sched/sched_process_exec")
int tp_exec(void *ctx)
{
	count(C_TP, bpf_get_current_pid_tgid() >> 32 != 0);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int raw_tracepoint_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	/* sys_enter(struct pt_regs *regs, long id): args[1] is the syscall number. */
	count(C_RAW_TRACEPOINT, ctx->args[1] == 59);
	return 0;
}

SEC("raw_tp/sched_switch")
int raw_tp_sched_switch(struct bpf_raw_tracepoint_args *ctx)
{
	count(C_RAW_TP, 1);
	return 0;
}

SEC("perf_event")
int perf_event_sample(struct bpf_perf_event_data *ctx)
{
	count(C_PERF_EVENT, ctx->sample_period);
	return 0;
}

SEC("cgroup_skb/ingress")
int cgroup_skb_ingress(struct __sk_buff *skb)
{
	count(C_CGROUP_INGRESS, skb->len);
	return 1; /* 1 = allow */
}

SEC("cgroup_skb/egress")
int cgroup_skb_egress(struct __sk_buff *skb)
{
	count(C_CGROUP_EGRESS, skb->len);
	return 1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
/* LINUX_VERSION_CODE of 6.1.0; libbpf 1.x ignores it, older loaders passed it to the kernel. */
__u32 VERSION SEC("version") = 0x060100;
