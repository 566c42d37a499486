namespace SharpBpf.Trace.Probes;

/// <summary>
/// <c>bpftrace -l [PATTERN]</c> and <c>-lv</c> as bpftrace 0.17 answers them: the pattern's first part
/// (aliases allowed, <c>*</c> wildcards) picks probe types, the rest is matched per type; a pattern
/// without a colon but with a <c>*</c> searches every type. Lines come out sorted and unique.
/// </summary>
/// <remarks>
/// 0.17 quirks kept on purpose: software and hardware print <c>software:PATTERN:</c> (the pattern
/// itself, not the matching events); a tracepoint pattern with one part (<c>tracepoint:sched*</c>,
/// <c>*:cpu*</c>) matches event names in every category; kprobes read available_filter_functions and
/// warn when it cannot be read.
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

    /// <summary>
    /// The listing: lines for stdout, warnings for stderr (print each as <c>WARNING: ...</c>), and an error
    /// (bpftrace exits 1) when the pattern is invalid, with <see cref="ErrorText"/> as bpftrace prints it.
    /// </summary>
    public sealed record Result(IReadOnlyList<string> Lines, IReadOnlyList<string> Warnings, string? Error, string? ErrorText = null);

    /// <summary>Lists the probes matching <paramref name="pattern"/> (null or empty: everything); with <paramref name="verbose"/>, tracepoint fields too.</summary>
    public Result List(string? pattern, bool verbose = false)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        var warnings = new List<string>();
        var verboseText = new Dictionary<string, string>(StringComparer.Ordinal);
        pattern = string.IsNullOrWhiteSpace(pattern) ? "*" : pattern.Trim();
        foreach (var one in pattern.Split(','))
        {
            var search = one.Trim();
            var error = ListOne(search, lines, warnings, verbose ? verboseText : null);
            if (error is not null)
            {
                // bpftrace aborts on an unknown type (FATAL); other errors point at the pattern as a one-line script
                var text = error == InvalidType
                    ? "FATAL: " + error + "\n"
                    : SharpBpf.Trace.Output.ErrorFormatter.Format(SharpBpf.Trace.Output.ErrorFormatter.Stdin, pattern, 1, 1, 1, pattern.Length + 1, error);
                return new Result([], warnings, error, text);
            }
        }
        var output = new List<string>();
        foreach (var l in lines)
            output.Add(verboseText.TryGetValue(l, out var v) ? v : l);
        return new Result(output, warnings, null);
    }

    private string? ListOne(string search, SortedSet<string> lines, List<string> warnings, Dictionary<string, string>? verbose)
    {
        if (search is "BEGIN" or "END")
        {
            lines.Add("special::");
            return null;
        }
        var parts = search.Split(':').ToList();
        if (parts.Count == 1)
        {
            if (!Wildcard.HasWildcard(search))
                return InvalidType;
            parts.Insert(0, "*");
        }
        string provider = parts[0];
        var args = parts.Skip(1).ToList();
        var explicitKind = ProbeTypes.Find(provider);
        bool any = false;
        foreach (var (kind, name, _) in ProbeTypes.All)
        {
            if (kind == ProbeKind.Special)
                continue;
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
                        return "tracepoint probe type requires 2 arguments";
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
                {
                    if (args.Count < 2)
                    {
                        if (explicitKind is not null)
                            return $"{name} probe type requires 2 arguments";
                        break;
                    }
                    ElfSymbolTable table;
                    try
                    {
                        table = ElfSymbolTable.Load(args[0]);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                    {
                        warnings.Add($"Could not read symbols from {args[0]}: {e.Message}");
                        break;
                    }
                    bool isAddress = args[1].StartsWith("0x", StringComparison.Ordinal);
                    if (isAddress)
                    {
                        lines.Add(name + ":" + args[0] + ":");
                        break;
                    }
                    foreach (var f in table.FunctionNames())
                    {
                        if (Wildcard.IsMatch(args[1], f))
                            lines.Add(name + ":" + args[0] + ":" + f);
                    }
                    break;
                }
                case ProbeKind.Kprobe or ProbeKind.Kretprobe:
                    if (kind == ProbeKind.Kretprobe && explicitKind is null)
                        break; // bpftrace reads the function list once, for kprobe
                    ListKprobes(name, args.Count > 0 ? args[^1] : "*", lines, warnings);
                    break;
                case ProbeKind.Kfunc or ProbeKind.Kretfunc:
                    if (explicitKind is not null && !KfuncAvailable)
                        return "kfunc/kretfunc not available for your kernel version.";
                    break;
                case ProbeKind.Watchpoint or ProbeKind.AsyncWatchpoint:
                    if (explicitKind is not null)
                        lines.Add(name + "::");
                    break;
            }
        }
        return any ? null : InvalidType;
    }

    private const string InvalidType = "Invalid probe type made it to attachpoint parser";

    private void ListKprobes(string provider, string function, SortedSet<string> lines, List<string> warnings)
    {
        var path = Path.Combine(TracefsRoot, "available_filter_functions");
        IEnumerable<string> names;
        try
        {
            names = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var w = $"Could not read symbols from {path}: Operation not permitted";
            if (!warnings.Contains(w))
                warnings.Add(w);
            return;
        }
        foreach (var line in names)
        {
            // "func_name" or "func_name [module]"
            int sp = line.IndexOf(' ', StringComparison.Ordinal);
            var f = sp < 0 ? line : line[..sp];
            if (Wildcard.IsMatch(function, f))
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
