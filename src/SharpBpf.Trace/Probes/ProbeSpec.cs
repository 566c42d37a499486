namespace SharpBpf.Trace.Probes;

/// <summary>
/// One attach point as written (<c>tracepoint:syscalls:sys_enter_*</c>, <c>t:sched:sched_switch</c>,
/// <c>u:/bin/bash:readline</c>, <c>interval:s:1</c>, <c>BEGIN</c>): its type with aliases resolved and
/// its colon-separated arguments, checked as bpftrace 0.17's attach point parser checks them.
/// </summary>
public sealed record ProbeSpec(ProbeKind Kind, IReadOnlyList<string> Arguments)
{
    /// <summary>The type's full name (<c>tracepoint</c>), or <c>BEGIN</c>/<c>END</c> for special probes.</summary>
    public string Provider => Kind is ProbeKind.Begin or ProbeKind.End ? Arguments[0] : ProbeTypes.NameOf(Kind);

    /// <summary>The canonical text (<c>tracepoint:sched:sched_switch</c>), as the <c>probe</c> builtin prints it.</summary>
    public string Name => Kind is ProbeKind.Begin or ProbeKind.End ? Arguments[0] : Provider + ":" + string.Join(":", Arguments);

    /// <summary>The first argument (tracepoint category, binary, unit, event), or "".</summary>
    public string Target => Arguments.Count > 0 ? Arguments[0] : "";

    /// <summary>The last argument (tracepoint name, function, period), or "".</summary>
    public string Function => Arguments.Count > 1 ? Arguments[^1] : Kind is ProbeKind.Kprobe or ProbeKind.Kretprobe or ProbeKind.Kfunc or ProbeKind.Kretfunc or ProbeKind.RawTracepoint or ProbeKind.Iter ? Target : "";

    /// <summary>True when some argument has a <c>*</c> (the probe expands to every match).</summary>
    public bool HasWildcard => Arguments.Any(Wildcard.HasWildcard);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Parses one attach point; throws <see cref="FormatException"/> with bpftrace's message.</summary>
    public static ProbeSpec Parse(string text) =>
        TryParse(text, out var spec, out var error) ? spec! : throw new FormatException(error);

    /// <summary>Parses one attach point; on failure <paramref name="error"/> is bpftrace's message for it.</summary>
    public static bool TryParse(string text, out ProbeSpec? spec, out string? error)
    {
        spec = null;
        error = null;
        text = text.Trim();
        if (text is "BEGIN" or "END")
        {
            spec = new ProbeSpec(text == "BEGIN" ? ProbeKind.Begin : ProbeKind.End, [text]);
            return true;
        }
        var parts = text.Split(':');
        var kind = ProbeTypes.Find(parts[0]);
        if (kind is null)
        {
            error = $"Invalid probe type: {parts[0]}";
            return false;
        }
        var args = parts.Skip(1).ToList();
        string name = ProbeTypes.NameOf(kind.Value);
        switch (kind.Value)
        {
            case ProbeKind.Tracepoint:
                if (args.Count == 1 && args[0] == "*")
                    args.Add("*");
                if (args.Count != 2)
                    return Fail($"{name} probe type requires 2 arguments", out error);
                if (args[1].Length == 0)
                    return Fail("tracepoint probe must have a target", out error);
                break;
            case ProbeKind.Kprobe or ProbeKind.Kretprobe:
                if (args.Count is 0 or > 2 || args[^1].Length == 0)
                    return Fail("kprobes should be attached to a function", out error);
                break;
            case ProbeKind.Kfunc or ProbeKind.Kretfunc or ProbeKind.RawTracepoint:
                if (args.Count != 1 || args[0].Length == 0)
                    return Fail($"{name} probe type requires 1 argument", out error);
                break;
            case ProbeKind.Iter:
                if (args.Count != 1 || args[0].Length == 0)
                    return Fail("iter probe type requires 1 argument", out error);
                break;
            case ProbeKind.Uprobe or ProbeKind.Uretprobe:
                if (args.Count != 2)
                    return Fail($"{name} probe type requires 2 arguments", out error);
                if (args[1].Length == 0)
                    return Fail("uprobes should be attached to a function", out error);
                break;
            case ProbeKind.Usdt:
                if (args.Count is < 2 or > 3)
                    return Fail("usdt probe type requires 2 or 3 arguments", out error);
                break;
            case ProbeKind.Profile or ProbeKind.Interval:
                if (RateError(name, args, out _) is { } rateError)
                    return Fail(rateError, out error);
                break;
            case ProbeKind.Software or ProbeKind.Hardware:
                if (args.Count is 0 or > 2 || args[0].Length == 0)
                    return Fail($"{name} probe type requires 1 or 2 arguments", out error);
                if (args.Count == 2 && !ulong.TryParse(args[1], out _))
                    return Fail($"{name} count '{args[1]}' is not a number", out error);
                break;
            case ProbeKind.Watchpoint or ProbeKind.AsyncWatchpoint:
                if (args.Count != 3)
                    return Fail($"{name} probe type requires 3 arguments", out error);
                break;
        }
        spec = new ProbeSpec(kind.Value, args);
        return true;
    }

    /// <summary>
    /// An interval or profile probe's <c>UNIT:RATE</c> arguments checked in bpftrace 0.17's order (their count
    /// and the rate by its attach point parser, then the unit by its analyser): the first error, or null with
    /// the rate in <paramref name="rate"/>.
    /// </summary>
    public static string? RateError(string provider, IReadOnlyList<string> args, out ulong rate)
    {
        rate = 0;
        if (args.Count != 2)
            return $"{provider} probe type requires 2 arguments";
        if (!BpftraceInt.TryParseUInt(args[1], out rate, out string? rateError))
            return rateError;
        if (args[0] is not ("hz" or "s" or "ms" or "us"))
            return $"{args[0]} is not an accepted unit of time";
        return null;
    }

    /// <summary>The interval or profile period in nanoseconds (hz: 1e9 / N), for the perf event or timer.</summary>
    public ulong PeriodNanoseconds()
    {
        if (Kind is not (ProbeKind.Interval or ProbeKind.Profile))
            throw new InvalidOperationException($"{Name} has no period");
        ulong n = BpftraceInt.TryParseUInt(Arguments[1], out ulong rate, out _) ? rate : throw new FormatException($"{Name}: bad rate");
        ulong unit = UnitNanoseconds(Arguments[0]);
        return unit != 0 ? n * unit : n == 0 ? 0 : 1_000_000_000 / n;
    }

    /// <summary>The nanoseconds in one unit of an interval or profile rate (<c>s</c>, <c>ms</c>, <c>us</c>); 0 for <c>hz</c>, a frequency.</summary>
    public static ulong UnitNanoseconds(string unit) => unit switch
    {
        "s" => 1_000_000_000,
        "ms" => 1_000_000,
        "us" => 1_000,
        _ => 0,
    };

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
