namespace SharpBpf.Linux.Attach;

/// <summary>Options of <see cref="Link.Tracepoint"/>.</summary>
public sealed class TracepointOptions
{
    /// <summary>The BPF cookie the program reads with bpf_get_attach_cookie (bpf_link only).</summary>
    public ulong Cookie { get; init; }

    /// <summary>bpf_link or ioctl.</summary>
    public PerfEventAttachMode Mode { get; init; }
}
