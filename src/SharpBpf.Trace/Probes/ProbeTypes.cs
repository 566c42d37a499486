namespace SharpBpf.Trace.Probes;

/// <summary>The probe type table: full names, short aliases, and the software events bpftrace knows.</summary>
public static class ProbeTypes
{
    /// <summary>Every type but BEGIN/END with its name and alias, in bpftrace's order.</summary>
    public static IReadOnlyList<(ProbeKind Kind, string Name, string Alias)> All { get; } =
    [
        (ProbeKind.Kprobe, "kprobe", "k"),
        (ProbeKind.Kretprobe, "kretprobe", "kr"),
        (ProbeKind.Uprobe, "uprobe", "u"),
        (ProbeKind.Uretprobe, "uretprobe", "ur"),
        (ProbeKind.Usdt, "usdt", "U"),
        (ProbeKind.Tracepoint, "tracepoint", "t"),
        (ProbeKind.Profile, "profile", "p"),
        (ProbeKind.Interval, "interval", "i"),
        (ProbeKind.Software, "software", "s"),
        (ProbeKind.Hardware, "hardware", "h"),
        (ProbeKind.Watchpoint, "watchpoint", "w"),
        (ProbeKind.AsyncWatchpoint, "asyncwatchpoint", "aw"),
        (ProbeKind.Kfunc, "kfunc", "f"),
        (ProbeKind.Kretfunc, "kretfunc", "fr"),
        (ProbeKind.Iter, "iter", "it"),
        (ProbeKind.RawTracepoint, "rawtracepoint", "rt"),
    ];

    /// <summary>The software events (name, alias, perf config, default period), as bpftrace 0.17's SW_PROBE_LIST.</summary>
    public static IReadOnlyList<(string Name, string Alias, int Config, int DefaultPeriod)> SoftwareEvents { get; } =
    [
        ("alignment-faults", "", 7, 1),
        ("bpf-output", "", 10, 1),
        ("context-switches", "cs", 3, 1000),
        ("cpu-clock", "cpu", 0, 1000000),
        ("cpu-migrations", "", 4, 1),
        ("dummy", "", 9, 1),
        ("emulation-faults", "", 8, 1),
        ("major-faults", "", 6, 1),
        ("minor-faults", "", 5, 100),
        ("page-faults", "faults", 2, 100),
        ("task-clock", "", 1, 1000000),
    ];

    /// <summary>The software event named <paramref name="nameOrAlias"/> (<c>page-faults</c> or <c>faults</c>), or null.</summary>
    public static (string Name, string Alias, int Config, int DefaultPeriod)? FindSoftwareEvent(string nameOrAlias)
    {
        foreach (var e in SoftwareEvents)
        {
            if (Names(e.Name, e.Alias, nameOrAlias))
                return e;
        }
        return null;
    }

    // An event's name, or its alias where it has one.
    private static bool Names(string name, string alias, string text) => text == name || (alias.Length > 0 && text == alias);

    /// <summary>The hardware events (name, alias), as bpftrace 0.17's HW_PROBE_LIST.</summary>
    public static IReadOnlyList<(string Name, string Alias)> HardwareEvents { get; } =
    [
        ("backend-stalls", ""),
        ("branch-instructions", "branches"),
        ("branch-misses", ""),
        ("bus-cycles", ""),
        ("cache-misses", ""),
        ("cache-references", ""),
        ("cpu-cycles", "cycles"),
        ("frontend-stalls", ""),
        ("instructions", ""),
        ("ref-cycles", ""),
    ];

    /// <summary>Is <paramref name="name"/> a software or hardware event of <paramref name="kind"/>, by its name or alias?</summary>
    public static bool IsEvent(ProbeKind kind, string name) => kind switch
    {
        ProbeKind.Software => FindSoftwareEvent(name) is not null,
        ProbeKind.Hardware => HardwareEvents.Any(e => Names(e.Name, e.Alias, name)),
        _ => false,
    };

    /// <summary>
    /// The offset of register <paramref name="name"/> in x86-64's <c>struct pt_regs</c> (what <c>reg()</c> reads
    /// from a kprobe's, uprobe's or perf event's context), by bpftrace 0.17's names; null for another name.
    /// </summary>
    public static int? RegisterOffset(string name)
    {
        int index = Array.IndexOf(Registers, name);
        return index < 0 ? null : index * 8;
    }

    private static readonly string[] Registers =
        ["r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8", "ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss"];

    /// <summary>The iterators bpftrace 0.17 knows.</summary>
    public static IReadOnlyList<string> Iterators { get; } = ["task", "task_file"];

    /// <summary>The type named <paramref name="nameOrAlias"/> (<c>tracepoint</c> or <c>t</c>), or null.</summary>
    public static ProbeKind? Find(string nameOrAlias)
    {
        foreach (var (kind, name, alias) in All)
        {
            if (nameOrAlias == name || (alias.Length > 0 && nameOrAlias == alias))
                return kind;
        }
        return null;
    }

    /// <summary>
    /// A script's provider with its alias resolved (<c>t</c> becomes <c>tracepoint</c>; also libbpf's
    /// <c>fentry</c>/<c>fexit</c> for kfunc/kretfunc); BEGIN, END and unknown providers stay as written.
    /// </summary>
    public static string CanonicalProvider(string provider) => provider switch
    {
        "BEGIN" or "END" => provider,
        "fentry" => "kfunc",
        "fexit" => "kretfunc",
        _ => Find(provider) is { } kind ? NameOf(kind) : provider,
    };

    /// <summary>The kind of a canonical provider (<see cref="CanonicalProvider"/>): BEGIN, END, a type, or <see cref="ProbeKind.Invalid"/>.</summary>
    public static ProbeKind KindOf(string provider) => provider switch
    {
        "BEGIN" => ProbeKind.Begin,
        "END" => ProbeKind.End,
        _ => Find(provider) ?? ProbeKind.Invalid,
    };

    /// <summary>The full name of a type (<c>tracepoint</c>); BEGIN and END are bpftrace's <c>special</c>.</summary>
    public static string NameOf(ProbeKind kind)
    {
        if (kind is ProbeKind.Begin or ProbeKind.End)
            return "special";
        foreach (var (k, name, _) in All)
        {
            if (k == kind)
                return name;
        }
        // Invalid (a provider no type has, already reported): named as such in the messages that follow.
        return kind.ToString().ToLowerInvariant();
    }
}
