namespace SharpBpf.Linux.Attach;

/// <summary>Options of <see cref="Link.Uprobe(KernelProgram, string, string, UprobeOptions?)"/> and its kin.</summary>
public sealed class UprobeOptions
{
    /// <summary>The process to probe, or -1 for every process that runs the file.</summary>
    public int Pid { get; init; } = -1;

    /// <summary>Bytes to add to the symbol's offset (libbpf's "func+off"; not for uretprobes).</summary>
    public ulong Offset { get; init; }

    /// <summary>The file offset of a reference counter (a USDT semaphore) the kernel increments while probed.</summary>
    public ulong RefCounterOffset { get; init; }

    /// <summary>The BPF cookie (bpf_link only).</summary>
    public ulong Cookie { get; init; }

    /// <summary>bpf_link or ioctl.</summary>
    public PerfEventAttachMode Mode { get; init; }
}
