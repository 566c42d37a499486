namespace SharpBpf.Linux.Attach;

/// <summary>The sampling events of <see cref="Link.PerfEvent"/>: which event, how often, where.</summary>
public sealed class PerfEventOptions
{
    /// <summary>The event type (default software).</summary>
    public PerfEventType Type { get; init; } = PerfEventType.Software;

    /// <summary>The event within the type (default <see cref="PerfSoftwareEvent.CpuClock"/>).</summary>
    public ulong Config { get; init; } = (ulong)PerfSoftwareEvent.CpuClock;

    /// <summary>Samples per second (attr.freq and sample_freq); 0 to use <see cref="SamplePeriod"/>.</summary>
    public ulong SampleFrequency { get; init; }

    /// <summary>Events per sample (sample_period) when no frequency is given; 0 means 1.</summary>
    public ulong SamplePeriod { get; init; }

    /// <summary>The task to sample, or -1 for every task (needs CAP_PERFMON).</summary>
    public int Pid { get; init; } = -1;

    /// <summary>The CPUs to open an event on; null for every online CPU.</summary>
    public IReadOnlyList<int>? Cpus { get; init; }

    /// <summary>The BPF cookie (bpf_link only).</summary>
    public ulong Cookie { get; init; }

    /// <summary>bpf_link or ioctl.</summary>
    public PerfEventAttachMode Mode { get; init; }
}
