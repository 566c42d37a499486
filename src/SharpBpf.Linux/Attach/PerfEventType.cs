namespace SharpBpf.Linux.Attach;

/// <summary>The perf event types (include/uapi/linux/perf_event.h, enum perf_type_id).</summary>
public enum PerfEventType : uint
{
    /// <summary>PERF_TYPE_HARDWARE: CPU counters (cycles, instructions, ...).</summary>
    Hardware = 0,
    /// <summary>PERF_TYPE_SOFTWARE: kernel counters (cpu-clock, page-faults, ...).</summary>
    Software = 1,
    /// <summary>PERF_TYPE_TRACEPOINT: config is a tracefs event id.</summary>
    Tracepoint = 2,
    /// <summary>PERF_TYPE_HW_CACHE: cache events (config packs cache, op, result).</summary>
    HwCache = 3,
    /// <summary>PERF_TYPE_RAW: a raw PMU event.</summary>
    Raw = 4,
    /// <summary>PERF_TYPE_BREAKPOINT: hardware breakpoints.</summary>
    Breakpoint = 5,
}
