namespace SharpBpf.Linux.Attach;

/// <summary>
/// A program attached through a task's fd (BPF_TASK_FD_QUERY, 4.18): a perf event with a program
/// (tracepoint, kprobe, uprobe) or a raw tracepoint link, as bpftool perf lists them.
/// </summary>
/// <param name="Pid">The process holding the fd.</param>
/// <param name="Fd">The fd in that process.</param>
/// <param name="ProgramId">The attached program.</param>
/// <param name="Type">What it is attached to.</param>
/// <param name="Name">The tracepoint, the kernel function or the file ("" when a kprobe names an address).</param>
/// <param name="ProbeOffset">The offset in the function or file (probes).</param>
/// <param name="ProbeAddress">The kernel address (a kprobe by address).</param>
public sealed record TaskFdInfo(int Pid, int Fd, uint ProgramId, TaskFdType Type, string Name, ulong ProbeOffset, ulong ProbeAddress);
