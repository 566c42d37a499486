namespace SharpBpf.Linux.Attach;

/// <summary>The software events' config values (include/uapi/linux/perf_event.h, enum perf_sw_ids).</summary>
public enum PerfSoftwareEvent : ulong
{
    /// <summary>PERF_COUNT_SW_CPU_CLOCK: a per-CPU high-resolution timer, the usual sampling clock.</summary>
    CpuClock = 0,
    /// <summary>PERF_COUNT_SW_TASK_CLOCK.</summary>
    TaskClock = 1,
    /// <summary>PERF_COUNT_SW_PAGE_FAULTS.</summary>
    PageFaults = 2,
    /// <summary>PERF_COUNT_SW_CONTEXT_SWITCHES.</summary>
    ContextSwitches = 3,
    /// <summary>PERF_COUNT_SW_CPU_MIGRATIONS.</summary>
    CpuMigrations = 4,
    /// <summary>PERF_COUNT_SW_PAGE_FAULTS_MIN.</summary>
    PageFaultsMin = 5,
    /// <summary>PERF_COUNT_SW_PAGE_FAULTS_MAJ.</summary>
    PageFaultsMaj = 6,
    /// <summary>PERF_COUNT_SW_ALIGNMENT_FAULTS.</summary>
    AlignmentFaults = 7,
    /// <summary>PERF_COUNT_SW_EMULATION_FAULTS.</summary>
    EmulationFaults = 8,
    /// <summary>PERF_COUNT_SW_DUMMY.</summary>
    Dummy = 9,
    /// <summary>PERF_COUNT_SW_BPF_OUTPUT.</summary>
    BpfOutput = 10,
    /// <summary>PERF_COUNT_SW_CGROUP_SWITCHES.</summary>
    CgroupSwitches = 11,
}
