namespace SharpBpf.Linux.Attach;

/// <summary>Options of <see cref="Link.UprobeMulti(KernelProgram, string, IReadOnlyList{string}, UprobeMultiOptions?)"/>.</summary>
public sealed class UprobeMultiOptions
{
    /// <summary>The process to probe, or -1 (0 is taken as -1) for every process.</summary>
    public int Pid { get; init; } = -1;

    /// <summary>Return probes (BPF_F_UPROBE_MULTI_RETURN) instead of entry probes.</summary>
    public bool Return { get; init; }

    /// <summary>One BPF cookie per probe, or null.</summary>
    public IReadOnlyList<ulong>? Cookies { get; init; }

    /// <summary>One reference counter offset per probe, or null.</summary>
    public IReadOnlyList<ulong>? RefCounterOffsets { get; init; }
}
