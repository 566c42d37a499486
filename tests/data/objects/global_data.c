// Fixture global_data: global variables in every section libbpf turns into an internal map,
// read and written by programs through ld_imm64 relocations against section symbols.
// Covers: .data (initialised globals, a static), .bss (zeroed globals, a struct), .rodata
// (const volatile configuration set before load, a const table), custom .data.foo and
// .rodata.bar sections, bpf_printk's format strings (static const arrays in .rodata), a bare
// string literal (.rodata.str1.1, which has no BTF DATASEC), .kconfig externs
// (LINUX_KERNEL_VERSION, a weak bool, a weak tristate, a weak int, a weak string, a weak
// missing one); helpers bpf_trace_printk (3 args or fewer) and bpf_trace_vprintk (more),
// bpf_get_smp_processor_id, bpf_get_current_comm. Built for the default cpu (v1).
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct totals {
	__u64 packets;
	__u64 bytes;
	__u32 last_cpu;
	__u32 max_len;
};

/* .data */
__u64 packets_seen = 1;
__u32 thresholds[4] = { 64, 128, 512, 1500 };
static __u32 calls = 7;

/* .bss */
__u64 drops;
struct totals totals;
static char last_comm[16];

/* .rodata: const volatile so the compiler keeps the loads and userspace can patch the value. */
const volatile __u32 sample_every = 16;
const volatile bool verbose = true;
const volatile __u64 target_pid = 0;
const __u16 size_classes[4] = { 64, 256, 1024, 9000 };

/* Custom sections: libbpf maps each to its own array map. */
__u32 foo_counter SEC(".data.foo") = 3;
__u64 foo_history[4] SEC(".data.foo");
const volatile __u32 bar_limit SEC(".rodata.bar") = 100;
const volatile char bar_tag[8] SEC(".rodata.bar") = "fixture";

/* .kconfig: values filled by the loader from uname and the kernel's config. */
extern int LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern enum libbpf_tristate CONFIG_NET_CLS_BPF __kconfig __weak;
extern int CONFIG_HZ __kconfig __weak;
extern char CONFIG_DEFAULT_HOSTNAME[16] __kconfig __weak;
extern bool CONFIG_SHARPBPF_DOES_NOT_EXIST __kconfig __weak;

SEC("xdp")
int xdp_globals(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	int i;

	packets_seen++;
	calls++;
	totals.packets++;
	totals.bytes += len;
	totals.last_cpu = bpf_get_smp_processor_id();
	if (len > totals.max_len)
		totals.max_len = len;
	foo_history[foo_counter++ & 3] = len;

	if (sample_every && packets_seen % sample_every)
		return XDP_PASS;
	for (i = 0; i < 4; i++)
		if (len <= size_classes[i] && len <= thresholds[i])
			return XDP_PASS;
	if (len > bar_limit && bar_tag[0] == 'f') {
		drops++;
		/* A bare string literal: clang puts it in the mergeable-strings section .rodata.str1.1. */
		bpf_trace_printk("drop len=%u\n", sizeof("drop len=%u\n"), len);
		return XDP_DROP;
	}
	return XDP_PASS;
}

SEC("tp/syscalls/sys_enter_execve")
int tp_kconfig(void *ctx)
{
	__u64 pid = bpf_get_current_pid_tgid() >> 32;

	if (target_pid && pid != target_pid)
		return 0;
	bpf_get_current_comm(last_comm, sizeof(last_comm));
	if (!verbose)
		return 0;
	/* Three arguments or fewer: bpf_trace_printk. */
	bpf_printk("exec pid=%d kernel=%x hz=%d", (int)pid, LINUX_KERNEL_VERSION, CONFIG_HZ);
	/* More than three: bpf_trace_vprintk with the arguments in a stack array. */
	bpf_printk("syscall=%d cls_bpf=%d missing=%d host=%s", CONFIG_BPF_SYSCALL,
		   CONFIG_NET_CLS_BPF, CONFIG_SHARPBPF_DOES_NOT_EXIST, CONFIG_DEFAULT_HOSTNAME);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
