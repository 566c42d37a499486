using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Runtime;
using SharpBpf.Trace.Semantics;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace;

/// <summary>
/// The pass from attach points to concrete targets, as bpftrace 0.17's attach point parser and probe
/// matcher make it: tracepoint wildcards expand over tracefs, a uprobe's binary is resolved
/// (<see cref="UprobeTargets"/>) and its wildcards expand over binaries and their symbols. An attach
/// point that matches nothing adds no target (bpftrace prints "No probes to attach" when none is left).
/// </summary>
internal static class ProbeExpansion
{
    /// <summary>Every target of the script in order; errors throw, warnings are added to <paramref name="warnings"/>.</summary>
    public static List<ProbeTarget> Expand(ScriptAst ast, ITraceEnvironment env, List<TraceDiagnostic> warnings)
    {
        var targets = new List<ProbeTarget>();
        var errors = new List<TraceDiagnostic>();
        foreach (var probe in ast.Probes)
        {
            foreach (var ap in probe.AttachPoints)
            {
                var kind = SemanticAnalyzer.KindOf(ap);
                void Add(string raw, IReadOnlyList<string> parts) => targets.Add(new ProbeTarget(probe,
                    new AttachPoint { Raw = raw, Provider = ap.Provider, Parts = parts, Span = ap.Span }, kind, targets.Count));
                bool wildcard = ap.Parts.Any(Wildcard.HasWildcard);
                switch (kind)
                {
                    case ProbeKind.Tracepoint when wildcard && ap.Parts.Count == 2 && env is TracefsEnvironment fs:
                        foreach (var (category, name) in fs.ExpandTracepoints(ap.Parts[0], ap.Parts[1]))
                            Add($"tracepoint:{category}:{name}", [category, name]);
                        break;
                    case ProbeKind.Uprobe or ProbeKind.Uretprobe when ap.Parts.Count == 2:
                        ExpandUprobe(ap, (env as TracefsEnvironment)?.Pid, Add, errors, warnings);
                        break;
                    case ProbeKind.Interval or ProbeKind.Profile when ap.Parts.Count == 2 && BpftraceInt.TryParseUInt(ap.Parts[1], out ulong rate, out _):
                        // the rate as bpftrace reads it (1e+2, 1_0, 0x10), and as `probe` then names it
                        string number = rate.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        Add($"{ap.Provider}:{ap.Parts[0]}:{number}", [ap.Parts[0], number]);
                        break;
                    case ProbeKind.Software or ProbeKind.Hardware when wildcard:
                        // bpftrace 0.17 names the hardware type for both (semantic_analyser.cpp)
                        errors.Add(new TraceDiagnostic("wildcards are not allowed for hardware probe type", ap.Span));
                        break;
                    case ProbeKind.RawTracepoint when wildcard:
                        errors.Add(new TraceDiagnostic("wildcards are not allowed for rawtracepoint probe type (bpftrace 0.17 has no rawtracepoint probes to expand: it stops with \"Invalid probe type made it to attachpoint parser\")", ap.Span));
                        break;
                    default:
                        targets.Add(new ProbeTarget(probe, ap, kind, targets.Count));
                        break;
                }
            }
        }
        if (errors.Count > 0)
            throw new TraceCompileException(errors);
        return targets;
    }

    private static void ExpandUprobe(AttachPoint ap, int? pid, Action<string, IReadOnlyList<string>> add, List<TraceDiagnostic> errors, List<TraceDiagnostic> warnings)
    {
        string binary = ap.Parts[0], function = ap.Parts[1];
        bool address = function.StartsWith("0x", StringComparison.Ordinal);
        if (address && Wildcard.HasWildcard(binary))
        {
            errors.Add(new TraceDiagnostic("Cannot use wildcards with absolute address", ap.Span));
            return;
        }
        var resolved = UprobeTargets.Resolve(binary);
        if (resolved.Error is { } error)
        {
            errors.Add(new TraceDiagnostic(error, ap.Span));
            return;
        }
        if (resolved.Warning is { } warning)
            warnings.Add(new TraceDiagnostic(warning, ap.Span, IsWarning: true));
        if (address)
        {
            add($"{ap.Provider}:{resolved.Binary}:{function}", [resolved.Binary, function]);
            return;
        }
        if (!(Wildcard.HasWildcard(resolved.Binary) || Wildcard.HasWildcard(function)))
        {
            // bpftrace 0.17 matches a plain name against the binary's functions too: one it does not have
            // adds no target, silently (`No probes to attach` when nothing else is left)
            if (HasFunction(resolved.Binary, function))
                add($"{ap.Provider}:{resolved.Binary}:{function}", [resolved.Binary, function]);
            return;
        }
        foreach (var (file, name) in UprobeTargets.Match(resolved.Binary, function, pid, cached: true))
            add($"{ap.Provider}:{file}:{name}", [file, name]);
    }

    // A function symbol of that name (".part.N" clones excepted, as bpftrace's matcher skips them); a binary
    // whose symbols cannot be read keeps the target, for attaching to say what is wrong.
    private static bool HasFunction(string binary, string function)
    {
        try
        {
            return !function.Contains(".part.", StringComparison.Ordinal) && ElfSymbolTable.LoadCached(binary).AddressOf(function) is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return true;
        }
    }
}
