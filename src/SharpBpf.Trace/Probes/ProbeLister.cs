namespace SharpBpf.Trace.Probes;

/// <summary>
/// <c>bpftrace -l [PATTERN]</c> and <c>-lv</c> as bpftrace 0.17 answers them. The pattern is one probe of
/// comma-separated attach points, read by 0.17's attach point parser before anything is listed: a type
/// (aliases allowed) or a wildcard type, which expands over the types -l shows (kprobe, tracepoint, software,
/// hardware, kfunc where it attaches, iter; uprobe and usdt when the second part is a path or -p is given).
/// One match is parsed as if named; several are parsed each on its own, leaving out those whose arguments do
/// not fit. Every parse error is reported, and a pattern left with no attach point says so; then each attach
/// point's lines come out sorted and unique, one attach point after the other. A pattern without a colon
/// but with a <c>*</c> searches every type. A uprobe's binary is resolved and expanded as when attaching
/// (<see cref="UprobeTargets"/>).
/// </summary>
/// <remarks>
/// 0.17 quirks kept on purpose: software and hardware print <c>software:PATTERN:</c> (the pattern
/// itself, not the matching events); a tracepoint pattern with one part (<c>tracepoint:sched*</c>,
/// <c>*:cpu*</c>) matches event names in every category; kprobes read available_filter_functions and
/// warn when it cannot be read; an iterator named without a wildcard is "not available" (0.17 finds no
/// support on this kernel; SharpBpf attaches none); rawtracepoint, which 0.17 lacks, aborts as any unknown
/// type does.
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
        var warnings = new List<string>();
        pattern = string.IsNullOrWhiteSpace(pattern) ? "*" : pattern.Trim();
        string? firstError = null;
        var errors = new System.Text.StringBuilder();
        // 0.17 parses every attach point of the pattern (one probe) before it lists anything, reporting each
        // error; an attach point made from a wildcard type has no location (1-1, an empty underline)
        string Located(string message, int column, int endColumn, string severity) =>
            Output.ErrorFormatter.Format(Output.ErrorFormatter.Stdin, pattern, 1, column, 1, endColumn, message, severity);
        void Error(string message, int column, int endColumn)
        {
            firstError ??= message;
            errors.Append(Located(message, column, endColumn, "ERROR"));
        }
        // an attach point's warnings (located at it, or not), each once
        Action<string, bool> WarnAt(int column, int endColumn) => (message, located) =>
        {
            string text = located ? Located(message, column, endColumn, "WARNING") : "WARNING: " + message + "\n";
            if (!warnings.Contains(text))
                warnings.Add(text);
        };
        var points = new List<(List<(ProbeKind Kind, List<string> Args)> Valid, bool Special, bool Expanded, int Column, int EndColumn)>();
        int present = 0, offset = 0;
        foreach (var one in pattern.Split(','))
        {
            var search = one.Trim();
            // the attach point's columns when the pattern is read as a one-line script (1-based, end exclusive)
            int column = offset + one.Length - one.TrimStart().Length + 1, endColumn = column + search.Length;
            offset += one.Length + 1;
            var (kinds, args, error) = Expand(search);
            if (error == InvalidType)
                return new Result([], warnings, error, "FATAL: " + error + "\n"); // bpftrace aborts on an unknown type
            if (error is not null)
            {
                // an attach point keeps its place once its type is known (0.17 drops one without a type)
                if (!error.StartsWith(NoTypeMatched, StringComparison.Ordinal))
                    present++;
                Error(error, column, endColumn);
                continue;
            }
            if (kinds is null)
            {
                present++;
                points.Add(([], true, false, column, endColumn)); // BEGIN, END
                continue;
            }
            bool expanded = kinds.Count > 1;
            var valid = new List<(ProbeKind, List<string>)>();
            foreach (var kind in kinds)
            {
                var (parseError, skip) = Parse(kind, args, expanded, WarnAt(column, endColumn));
                if (parseError == InvalidType)
                    return new Result([], warnings, parseError, "FATAL: " + parseError + "\n");
                if (skip)
                    continue;
                present++;
                if (parseError is not null)
                    Error(parseError, expanded ? 1 : column, expanded ? 1 : endColumn);
                else
                    valid.Add((kind, args));
            }
            points.Add((valid, false, expanded, column, endColumn));
        }
        if (present == 0)
            Error("No attach points for probe", 1, 1);
        if (firstError is not null)
            return new Result([], warnings, firstError, errors.ToString());
        var output = new List<string>();
        foreach (var (valid, special, expanded, column, endColumn) in points)
        {
            var lines = new SortedSet<string>(StringComparer.Ordinal);
            var verboseText = new Dictionary<string, string>(StringComparer.Ordinal);
            if (special)
                lines.Add("special::");
            foreach (var (kind, args) in valid)
            {
                if (ListKind(kind, args, expanded, lines, WarnAt(column, endColumn), verbose ? verboseText : null) is { } error)
                    return new Result([], warnings, error, Located(error, expanded ? 1 : column, expanded ? 1 : endColumn, "ERROR"));
            }
            foreach (var l in lines)
                output.Add(verboseText.TryGetValue(l, out var v) ? v : l);
        }
        return new Result(output, warnings, null);
    }

    // An attach point's types and arguments (null types: BEGIN or END), or its error: 0.17 expands a wildcard
    // type over the types -l shows, user space's when -p is given or the second part is a path, else the kernel's.
    private (List<ProbeKind>? Kinds, List<string> Args, string? Error) Expand(string search)
    {
        if (search is "BEGIN" or "END")
            return (null, [], null);
        var parts = search.Split(':').ToList();
        if (parts.Count == 1)
        {
            if (!Wildcard.HasWildcard(search))
                return ([], [], ProbeTypes.Find(search) is { } bare && ArgumentCountError(bare) is { } countError ? countError : InvalidType);
            parts.Insert(0, "*");
        }
        string provider = parts[0];
        var args = parts.Skip(1).ToList();
        if (provider is "BEGIN" or "END")
            return args.Any(Wildcard.HasWildcard) ? (null, args, null) : ([], args, $"{provider} probe type requires 0 arguments");
        if (!Wildcard.HasWildcard(provider))
            return ProbeTypes.Find(provider) is { } kind ? ([kind], args, null) : ([], args, InvalidType);
        bool user = Pid is not null || (args.Count > 0 && args[0].Contains('/', StringComparison.Ordinal));
        List<ProbeKind> kinds = [.. (user ? UserspaceTypes : KernelTypes).Where(k => (k != ProbeKind.Kfunc || KfuncAvailable) && Wildcard.IsMatch(provider, ProbeTypes.NameOf(k)))];
        return kinds.Count == 0 ? ([], args, NoTypeMatched + provider) : (kinds, args, null);
    }

    // The types bpftrace 0.17's -l expands a wildcard type over (PROBE_LIST's show_in_kernel_list and
    // show_in_userspace_list); kfunc only where it can attach.
    private static readonly ProbeKind[] KernelTypes = [ProbeKind.Kprobe, ProbeKind.Tracepoint, ProbeKind.Software, ProbeKind.Hardware, ProbeKind.Kfunc, ProbeKind.Iter];
    private static readonly ProbeKind[] UserspaceTypes = [ProbeKind.Uprobe, ProbeKind.Usdt];

    // 0.17's attach point parser for a type's arguments: an error, or skip (arguments that do not fit a type the
    // pattern's wildcard type expanded to leave it out; a failed number or a missing binary is still an error).
    private (string? Error, bool Skip) Parse(ProbeKind kind, List<string> args, bool expanded, Action<string, bool> warn)
    {
        string name = ProbeTypes.NameOf(kind);
        string? Count(bool fits, string? error) => fits ? null : error;
        string? countError = kind switch
        {
            ProbeKind.Kprobe or ProbeKind.Kretprobe => Count(args.Count == 1, $"{name} probe type requires 1 argument"),
            ProbeKind.Tracepoint => Count(args.Count == 2 || (args.Count == 1 && Wildcard.HasWildcard(args[0])), "tracepoint probe type requires 2 arguments"),
            ProbeKind.Software or ProbeKind.Hardware => Count(args.Count is 1 or 2, $"{name} probe type requires 1 or 2 arguments"),
            ProbeKind.Uprobe or ProbeKind.Uretprobe => Count(args.Count >= 2, $"{name} probe type requires 2 arguments"),
            ProbeKind.Usdt => Count(args.Count is 2 or 3, "usdt probe type requires 2 or 3 arguments"),
            ProbeKind.Iter => Count(args.Count is 1 or 2, "iter probe type takes 2 arguments (1 optional)"),
            _ => null,
        };
        if (countError is not null)
            return (countError, expanded);
        switch (kind)
        {
            case ProbeKind.Software or ProbeKind.Hardware:
            {
                if (args.Count == 2 && args[1] != "*" && !BpftraceInt.Stoull(args[1], 10, out _, out _))
                    return ("stoull", false);
                return (null, false);
            }
            case ProbeKind.Uprobe or ProbeKind.Uretprobe or ProbeKind.Usdt:
            {
                if (kind != ProbeKind.Usdt && args[^1].StartsWith("0x", StringComparison.Ordinal) && Wildcard.HasWildcard(args[0]))
                    return ("Cannot use wildcards with absolute address", false);
                var resolved = UprobeTargets.Resolve(args[0], kind == ProbeKind.Usdt ? "usdt" : "uprobe");
                if (resolved.Warning is { } w)
                    warn(w, true);
                return (resolved.Error, false);
            }
            case ProbeKind.Kfunc or ProbeKind.Kretfunc when !KfuncAvailable:
                return ("kfunc/kretfunc not available for your kernel version.", false);
            case ProbeKind.Iter when ProbeTypes.Iterators.Contains(args[0]):
                // 0.17 finds no iterator support on this kernel, and SharpBpf attaches none
                return ($"iter {args[0]} not available for your kernel version.", false);
            case ProbeKind.Interval or ProbeKind.Profile:
                // 0.17 runs the attach point parser and the analyser's unit check, then prints the type
                return (ProbeSpec.RateError(name, args, out _), false);
            case ProbeKind.RawTracepoint:
                return (InvalidType, false); // SharpBpf's addition: bpftrace 0.17 aborts on it
            default:
                return (null, false);
        }
    }

    // The matching probes of a type whose arguments parsed, or the error that ends the listing.
    // A software or hardware event named without a wildcard must be one (not checked for a type the pattern's
    // wildcard type expanded to).
    private string? ListKind(ProbeKind kind, List<string> args, bool expanded, SortedSet<string> lines, Action<string, bool> warn, Dictionary<string, string>? verbose)
    {
        string name = ProbeTypes.NameOf(kind);
        switch (kind)
        {
            case ProbeKind.Software or ProbeKind.Hardware:
            {
                if (!expanded && !Wildcard.HasWildcard(args[0]) && !ProbeTypes.IsEvent(kind, args[0]))
                    return $"{args[0]} is not a {name} probe";
                lines.Add(name + ":" + args[0] + ":");
                break;
            }
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
                string category = args.Count >= 2 ? args[0] : "*";
                string eventName = args.Count >= 2 ? args[1] : args[0];
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
                return ListUprobes(name, args[0], args[^1], lines, warn);
            case ProbeKind.Usdt:
                break; // SharpBpf reads no USDT notes: none listed
            case ProbeKind.Kprobe or ProbeKind.Kretprobe:
                ListKprobes(name, args[0], lines, warn);
                break;
            case ProbeKind.Watchpoint or ProbeKind.AsyncWatchpoint:
                lines.Add(name + "::");
                break;
            case ProbeKind.Interval or ProbeKind.Profile:
                lines.Add(name + ":");
                break;
        }
        return null;
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
    private const string NoTypeMatched = "No probe type matched for ";

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
