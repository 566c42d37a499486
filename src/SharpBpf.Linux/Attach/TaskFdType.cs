namespace SharpBpf.Linux.Attach;

/// <summary>What a task's fd attaches a program to (include/uapi/linux/bpf.h, enum bpf_task_fd_type).</summary>
public enum TaskFdType : uint
{
    /// <summary>BPF_FD_TYPE_RAW_TRACEPOINT: a raw_tracepoint link (tp name).</summary>
    RawTracepoint = 0,
    /// <summary>BPF_FD_TYPE_TRACEPOINT: a tracepoint perf event (tp name).</summary>
    Tracepoint = 1,
    /// <summary>BPF_FD_TYPE_KPROBE: a kprobe perf event (function and offset, or address).</summary>
    Kprobe = 2,
    /// <summary>BPF_FD_TYPE_KRETPROBE.</summary>
    Kretprobe = 3,
    /// <summary>BPF_FD_TYPE_UPROBE: a uprobe perf event (file and offset).</summary>
    Uprobe = 4,
    /// <summary>BPF_FD_TYPE_URETPROBE.</summary>
    Uretprobe = 5,
}
