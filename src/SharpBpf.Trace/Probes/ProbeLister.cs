namespace SharpBpf.Trace.Probes;

/// <summary>
/// <c>bpftrace -l [PATTERN]</c> and <c>-lv</c> as bpftrace 0.17 answers them: the pattern's first part
/// (aliases allowed, <c>*</c> wildcards) picks probe types, the rest is matched per type; a pattern
/// without a colon but with a <c>*</c> searches every type. Each comma-separated attach point's lines
/// come out sorted and unique, one attach point after the other. A uprobe's binary is resolved and
/// expanded as when attaching (<see cref="UprobeTargets"/>).
/// </summary>
/// <remarks>
/// 0.17 quirks kept on purpose: software and hardware print <c>software:PATTERN:</c> (the pattern
/// itself, not the matching events); a tracepoint pattern with one part (<c>tracepoint:sched*</c>,
/// <c>*:cpu*</c>) matches event names in every category; kprobes read available_filter_functions and
/// warn when it cannot be read; a wildcard type lists no return probes (kretprobe, uretprobe);
/// rawtracepoint, which 0.17 lacks, aborts as any unknown type does.
/// </remarks>
public sealed class ProbeLister
{
    /// <summary>A lister over tracefs at <paramref name="tracefsRoot"/>.</summary>
    public ProbeLister(string tracefsRoot = TracepointFormat.TracefsRoot) => TracefsRoot = tracefsRoot;

    /// <summary>Where tracefs is mounted.</summary>
    public string TracefsRoot { get; }

    /// <summary>Overrides tracefs' available_events (one <c>category:name</c> a line), for tests.</summary>
    public IReadOnlyList<string>? AvailableEvents { get; init; }

    /// <summary>Whether kernel BTF is present (iter probes are listed only then).</summary>
    public bool HasKernelBtf { get; init; } = File.Exists("/sys/kernel/btf/vmlinux");

    /// <summary>Whether kfunc/kretfunc can attach here (listing them explicitly is an error otherwise, as in bpftrace).</summary>
    public bool KfuncAvailable { get; init; }

    /// <summary>The -p process: <c>uprobe:*:FUNC</c> lists its mapped files only.</summary>
    public int? Pid { get; init; }

    /// <summary>
    /// The listing: lines for stdout, warnings for stderr (each as bpftrace prints it, newline included),
    /// and an error (bpftrace exits 1) when the pattern is invalid, with <see cref="ErrorText"/> as bpftrace prints it.
    /// </summary>
    public sealed record Result(IReadOnlyList<string> Lines, IReadOnlyList<string> Warnings, string? Error, string? ErrorText = null);

    /// <summary>
    /// Lists the probes matching <paramref name="pattern"/> (null or empty: everything); with <paramref name="verbose"/>,
    /// tracepoint fields too. Each comma-separated attach point lists its matches sorted, in the pattern's order.
    /// </summary>
    public Result List(string? pattern, bool verbose = false)
    {
        var output = new List<string>();
        var warnings = new List<string>();
        pattern = string.IsNullOrWhiteSpace(pattern) ? "*" : pattern.Trim();
        int offset = 0;
        foreach (var one in pattern.Split(','))
        {
            var search = one.Trim();
            // the attach point's columns when the pattern is read as a one-line script (1-based, end exclusive)
            int column = offset + one.Length - one.TrimStart().Length + 1, endColumn = column + search.Length;
            offset += one.Length + 1;
            var lines = new SortedSet<string>(StringComparer.Ordinal);
            var verboseText = new Dictionary<string, string>(StringComparer.Ordinal);
            string Located(string message, bool wildcardProvider, string severity) =>
                // a wildcard provider's attach point has no location in 0.17: 1-1 and an empty underline
                Output.ErrorFormatter.Format(Output.ErrorFormatter.Stdin, pattern, 1, wildcardProvider ? 1 : column, 1, wildcardProvider ? 1 : endColumn, message, severity);
            void Warn(string message, bool located)
            {
                string text = located ? Located(message, false, "WARNING") : "WARNING: " + message + "\n";
                if (!warnings.Contains(text))
                    warnings.Add(text);
            }
            var (error, wildcard) = ListOne(search, lines, Warn, verbose ? verboseText : null);
            if (error is not null)
            {
                // bpftrace aborts on an unknown type (FATAL); other errors point at the attach point
                var text = error == InvalidType ? "FATAL: " + error + "\n" : Located(error, wildcard, "ERROR");
                return new Result([], warnings, error, text);
            }
            foreach (var l in lines)
                output.Add(verboseText.TryGetValue(l, out var v) ? v : l);
        }
        return new Result(output, warnings, null);
    }

    // Lists one attach point; returns its error, if any, and whether its provider was a wildcard.
    private (string? Error, bool WildcardProvider) ListOne(string search, SortedSet<string> lines, Action<string, bool> warn, Dictionary<string, string>? verbose)
    {
        if (search is "BEGIN" or "END")
        {
            lines.Add("special::");
            return (null, false);
        }
        var parts = search.Split(':').ToList();
        if (parts.Count == 1)
        {
            if (!Wildcard.HasWildcard(search))
                return ProbeTypes.Find(search) is { } bare && ArgumentCountError(bare) is { } countError ? (countError, false) : (InvalidType, true);
            parts.Insert(0, "*");
        }
        string provider = parts[0];
        var args = parts.Skip(1).ToList();
        var explicitKind = ProbeTypes.Find(provider);
        if (provider is "BEGIN" or "END")
        {
            if (!args.Any(Wildcard.HasWildcard))
                return ($"{provider} probe type requires 0 arguments", false);
            lines.Add("special::");
            return (null, false);
        }
        bool any = false;
        string? error = null;
        foreach (var (kind, name, _) in ProbeTypes.All)
        {
            bool match = explicitKind is { } k ? k == kind : Wildcard.IsMatch(provider, name);
            if (!match)
                continue;
            any = true;
            switch (kind)
            {
                case ProbeKind.Software or ProbeKind.Hardware:
                    lines.Add(name + ":" + (args.Count > 0 ? args[0] : "") + ":");
                    break;
                case ProbeKind.Iter:
                    if (!HasKernelBtf)
                        break;
                    foreach (var it in ProbeTypes.Iterators)
                    {
                        if (Wildcard.IsMatch(args.Count > 0 ? args[0] : "*", it))
                            lines.Add("iter:" + it);
                    }
                    break;
                case ProbeKind.Tracepoint:
                {
                    if (explicitKind is not null && args.Count == 1 && !Wildcard.HasWildcard(args[0]))
                        return ("tracepoint probe type requires 2 arguments", false);
                    string category = args.Count >= 2 ? args[0] : "*";
                    string eventName = args.Count >= 2 ? args[1] : args.Count == 1 ? args[0] : "*";
                    foreach (var ev in Events())
                    {
                        int colon = ev.IndexOf(':', StringComparison.Ordinal);
                        if (colon < 0)
                            continue;
                        var (c, e) = (ev[..colon], ev[(colon + 1)..]);
                        if (!Wildcard.IsMatch(category, c) || !Wildcard.IsMatch(eventName, e))
                            continue;
                        var line = "tracepoint:" + ev;
                        lines.Add(line);
                        if (verbose is not null)
                        {
                            try
                            {
                                verbose[line] = TracepointFormat.Load(c, e, TracefsRoot).Describe().TrimEnd('\n');
                            }
                            catch (IOException) { }
                            catch (UnauthorizedAccessException) { }
                        }
                    }
                    break;
                }
                case ProbeKind.Uprobe or ProbeKind.Uretprobe:
                    if (kind == ProbeKind.Uretprobe && explicitKind is null)
                        break; // bpftrace's user-space list leaves out return probes
                    if (args.Count < 2)
                    {
                        if (explicitKind is not null)
                            return ($"{name} probe type requires 2 arguments", false);
                        break;
                    }
                    error ??= ListUprobes(name, args[0], args[^1], lines, warn);
                    break;
                case ProbeKind.Kprobe or ProbeKind.Kretprobe:
                    if (kind == ProbeKind.Kretprobe && explicitKind is null)
                        break; // bpftrace reads the function list once, for kprobe
                    ListKprobes(name, args.Count > 0 ? args[^1] : "*", lines, warn);
                    break;
                case ProbeKind.Kfunc or ProbeKind.Kretfunc:
                    if (explicitKind is not null && !KfuncAvailable)
                        return ("kfunc/kretfunc not available for your kernel version.", false);
                    break;
                case ProbeKind.Watchpoint or ProbeKind.AsyncWatchpoint:
                    if (explicitKind is not null)
                        lines.Add(name + "::");
                    break;
                case ProbeKind.Interval or ProbeKind.Profile when explicitKind is not null:
                {
                    // 0.17 runs the attach point parser and the analyser's unit check, then prints the type
                    if (ProbeSpec.RateError(name, args, out _) is { } rateError)
                        return (rateError, false);
                    lines.Add(name + ":");
                    break;
                }
                case ProbeKind.RawTracepoint when explicitKind is not null:
                    return (InvalidType, false); // SharpBpf's addition: bpftrace 0.17 aborts on it
            }
        }
        return (any ? error : InvalidType, explicitKind is null);
    }

    // The attach point parser resolves the binary (an error, or a warning), then the matcher lists functions.
    private string? ListUprobes(string provider, string binary, string function, SortedSet<string> lines, Action<string, bool> warn)
    {
        bool address = function.StartsWith("0x", StringComparison.Ordinal);
        if (address && Wildcard.HasWildcard(binary))
            return "Cannot use wildcards with absolute address";
        var resolved = UprobeTargets.Resolve(binary);
        if (resolved.Error is not null)
            return resolved.Error;
        if (resolved.Warning is { } w)
            warn(w, true);
        if (address)
        {
            lines.Add(provider + ":" + resolved.Binary + ":");
            return null;
        }
        foreach (var (file, name) in UprobeTargets.Match(resolved.Binary, function, Pid))
            lines.Add(provider + ":" + file + ":" + name);
        return null;
    }

    private const string InvalidType = "Invalid probe type made it to attachpoint parser";

    // What 0.17's attach point parser says of a type named with no arguments (`-l tracepoint`); null for the
    // types it has no parser for (rawtracepoint), which abort.
    private static string? ArgumentCountError(ProbeKind kind)
    {
        string name = ProbeTypes.NameOf(kind);
        return kind switch
        {
            ProbeKind.Tracepoint or ProbeKind.Uprobe or ProbeKind.Uretprobe or ProbeKind.Interval or ProbeKind.Profile => $"{name} probe type requires 2 arguments",
            ProbeKind.Kprobe or ProbeKind.Kretprobe => $"{name} probe type requires 1 argument",
            ProbeKind.Software or ProbeKind.Hardware or ProbeKind.Kfunc or ProbeKind.Kretfunc => $"{name} probe type requires 1 or 2 arguments",
            ProbeKind.Iter => "iter probe type takes 2 arguments (1 optional)",
            ProbeKind.Usdt => "usdt probe type requires 2 or 3 arguments",
            ProbeKind.Watchpoint or ProbeKind.AsyncWatchpoint => $"{name} probe type requires 3 arguments",
            _ => null,
        };
    }

    private void ListKprobes(string provider, string function, SortedSet<string> lines, Action<string, bool> warn)
    {
        var path = Path.Combine(TracefsRoot, "available_filter_functions");
        IEnumerable<string> names;
        try
        {
            names = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warn($"Could not read symbols from {path}: Operation not permitted", false);
            return;
        }
        foreach (var line in names)
        {
            // "func_name" or "func_name [module]"
            int sp = line.IndexOf(' ', StringComparison.Ordinal);
            var f = sp < 0 ? line : line[..sp];
            if (Wildcard.IsMatch(function, f) && !f.Contains(".part.", StringComparison.Ordinal)) // as UprobeTargets.Match
                lines.Add(provider + ":" + f);
        }
    }

    private IEnumerable<string> Events()
    {
        if (AvailableEvents is not null)
            return AvailableEvents;
        try
        {
            return File.ReadAllLines(Path.Combine(TracefsRoot, "available_events"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
