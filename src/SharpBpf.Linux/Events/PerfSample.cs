namespace SharpBpf.Linux.Events;

/// <summary>
/// One PERF_RECORD_SAMPLE of a perf event array, in place: <see cref="Data"/> is the raw data the
/// program passed to bpf_perf_event_output, valid only during the handler's call.
/// </summary>
public readonly ref struct PerfSample
{
    internal PerfSample(int cpu, int mapIndex, ulong timestamp, ReadOnlySpan<byte> data)
    {
        Cpu = cpu;
        MapIndex = mapIndex;
        Timestamp = timestamp;
        Data = data;
    }

    /// <summary>The CPU whose buffer held the sample.</summary>
    public int Cpu { get; }

    /// <summary>The perf event array index of that buffer (the CPU itself unless <see cref="PerfBufferOptions.MapIndexes"/> said otherwise).</summary>
    public int MapIndex { get; }

    /// <summary>The perf clock in nanoseconds when the sample was written (PERF_SAMPLE_TIME), or 0 unless <see cref="PerfBufferOptions.Timestamps"/> asked for it.</summary>
    public ulong Timestamp { get; }

    /// <summary>
    /// The raw data. The kernel pads it so that it and its 4-byte size end on an 8-byte boundary
    /// (perf_prepare_sample), so it may be up to 7 bytes longer than what the program wrote; libbpf
    /// and bpftool hand out the padded size too.
    /// </summary>
    public ReadOnlySpan<byte> Data { get; }
}
