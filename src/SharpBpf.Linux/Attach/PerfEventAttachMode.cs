namespace SharpBpf.Linux.Attach;

/// <summary>How a program is attached to a perf event (tracepoint, kprobe, uprobe, sampling event).</summary>
public enum PerfEventAttachMode
{
    /// <summary>A bpf_link (BPF_LINK_CREATE with BPF_PERF_EVENT) where the kernel has it (5.15), else the ioctl.</summary>
    Auto,

    /// <summary>A bpf_link of type perf_event, which can be pinned and reports the event in its link info.</summary>
    Link,

    /// <summary>The legacy PERF_EVENT_IOC_SET_BPF: lasts as long as the perf event's fd, cannot be pinned.</summary>
    Ioctl,
}
