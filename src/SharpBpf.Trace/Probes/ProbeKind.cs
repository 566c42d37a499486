namespace SharpBpf.Trace.Probes;

/// <summary>
/// bpftrace's probe types (ast's ProbeType), in the order bpftrace's probe list declares them, with
/// its <c>special</c> type split into BEGIN and END (they run at different times).
/// </summary>
public enum ProbeKind
{
    /// <summary>A provider bpftrace 0.17 does not know (its ProbeType::invalid).</summary>
    Invalid,
    /// <summary>BEGIN (bpftrace's <c>special</c> type).</summary>
    Begin,
    /// <summary>END (bpftrace's <c>special</c> type).</summary>
    End,
    /// <summary><c>kprobe:FUNC</c> (<c>k:</c>).</summary>
    Kprobe,
    /// <summary><c>kretprobe:FUNC</c> (<c>kr:</c>).</summary>
    Kretprobe,
    /// <summary><c>uprobe:BIN:FUNC</c> or <c>uprobe:BIN:0xADDR</c> (<c>u:</c>).</summary>
    Uprobe,
    /// <summary><c>uretprobe:BIN:FUNC</c> (<c>ur:</c>).</summary>
    Uretprobe,
    /// <summary><c>usdt:BIN:[PROVIDER:]NAME</c> (<c>U:</c>).</summary>
    Usdt,
    /// <summary><c>tracepoint:CATEGORY:NAME</c> (<c>t:</c>).</summary>
    Tracepoint,
    /// <summary><c>profile:hz|s|ms|us:N</c> (<c>p:</c>).</summary>
    Profile,
    /// <summary><c>interval:s|ms|us|hz:N</c> (<c>i:</c>).</summary>
    Interval,
    /// <summary><c>software:EVENT[:COUNT]</c> (<c>s:</c>).</summary>
    Software,
    /// <summary><c>hardware:EVENT[:COUNT]</c> (<c>h:</c>).</summary>
    Hardware,
    /// <summary><c>watchpoint:ADDR:LEN:MODE</c> (<c>w:</c>).</summary>
    Watchpoint,
    /// <summary><c>asyncwatchpoint:ADDR:LEN:MODE</c> (<c>aw:</c>).</summary>
    AsyncWatchpoint,
    /// <summary><c>kfunc:FUNC</c> (<c>f:</c>).</summary>
    Kfunc,
    /// <summary><c>kretfunc:FUNC</c> (<c>fr:</c>).</summary>
    Kretfunc,
    /// <summary><c>iter:task</c>, <c>iter:task_file</c> (<c>it:</c>).</summary>
    Iter,
    /// <summary><c>rawtracepoint:NAME</c> (<c>rt:</c>): SharpBpf's addition; bpftrace 0.17 has no such type.</summary>
    RawTracepoint,
}
