namespace SharpBpf.Linux.Events;

/// <summary>How a <see cref="PerfBufferReader"/> sets up its per-CPU buffers.</summary>
public sealed class PerfBufferOptions
{
    /// <summary>Data pages per CPU buffer, a power of two (the mapping adds the metadata page); libbpf's page_cnt. 64 pages are 256 KiB with 4 KiB pages.</summary>
    public int PagesPerCpu { get; init; } = 64;

    /// <summary>The CPUs to open buffers on; by default every online CPU below the map's max_entries.</summary>
    public IReadOnlyList<int>? Cpus { get; init; }

    /// <summary>
    /// The perf event array index each of <see cref="Cpus"/> is stored at (libbpf's map_keys); by
    /// default the CPU number, which is where bpf_perf_event_output with BPF_F_CURRENT_CPU writes.
    /// </summary>
    public IReadOnlyList<int>? MapIndexes { get; init; }

    /// <summary>wakeup_events: samples written before the reader is woken (1: every sample, as libbpf and bpftool).</summary>
    public uint WakeupEvents { get; init; } = 1;

    /// <summary>Adds PERF_SAMPLE_TIME, so each sample carries <see cref="PerfSample.Timestamp"/> (bpftool's event_pipe does).</summary>
    public bool Timestamps { get; init; }
}
