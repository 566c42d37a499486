namespace SharpBpf.Trace.Semantics;

/// <summary>The probe types bpftrace knows; the names are bpftrace's provider names.</summary>
public enum ProbeKind
{
    /// <summary>BEGIN (bpftrace's "special" type).</summary>
    Begin,
    /// <summary>END.</summary>
    End,
    /// <summary>tracepoint:CAT:NAME.</summary>
    Tracepoint,
    /// <summary>rawtracepoint:NAME.</summary>
    RawTracepoint,
    /// <summary>uprobe:BIN:FUNC.</summary>
    Uprobe,
    /// <summary>uretprobe:BIN:FUNC.</summary>
    Uretprobe,
    /// <summary>interval:UNIT:N.</summary>
    Interval,
    /// <summary>profile:UNIT:N.</summary>
    Profile,
    /// <summary>software:EVENT:N.</summary>
    Software,
    /// <summary>kprobe/kretprobe/kfunc/kretfunc/usdt/hardware/watchpoint: parsed, not supported here.</summary>
    Unsupported,
}
