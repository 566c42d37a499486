namespace SharpBpf.Linux.Events;

/// <summary>
/// A PERF_RECORD_LOST: the kernel found a CPU's buffer full and dropped <see cref="Count"/>
/// samples; it writes this record as soon as there is room again (perf_output_begin).
/// </summary>
/// <param name="Cpu">The CPU whose buffer overflowed.</param>
/// <param name="MapIndex">The perf event array index of that buffer.</param>
/// <param name="Count">How many samples were lost.</param>
/// <param name="EventId">The perf event's id (the record's id field, as bpftool prints it).</param>
public readonly record struct PerfLostRecord(int Cpu, int MapIndex, ulong Count, ulong EventId);
