namespace SharpBpf.Linux.Attach;

/// <summary>Options of <see cref="Link.Kprobe"/> and <see cref="Link.Kretprobe"/>.</summary>
public sealed class KprobeOptions
{
    /// <summary>Bytes past the symbol's start to probe (kprobes only; a kretprobe fires at the return).</summary>
    public ulong Offset { get; init; }

    /// <summary>The BPF cookie (bpf_link only).</summary>
    public ulong Cookie { get; init; }

    /// <summary>bpf_link or ioctl.</summary>
    public PerfEventAttachMode Mode { get; init; }
}
