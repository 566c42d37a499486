using SharpBpf.Linux;
using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Runtime;

/// <summary>
/// The machine as semantic analysis and attaching see it: tracepoint formats from tracefs
/// (<c>events/CAT/NAME/format</c>, read once per tracepoint), kernel BTF on demand, positional
/// parameters.
/// </summary>
public sealed class TracefsEnvironment : ITraceEnvironment
{
    private readonly Dictionary<string, IReadOnlyList<TracepointField>?> _formats = new(StringComparer.Ordinal);
    private string? _root;

    /// <summary>Creates the environment with the script's positional parameters.</summary>
    public TracefsEnvironment(IReadOnlyList<string> positional, KernelTypes? types = null)
    {
        Positional = positional;
        Types = types ?? KernelTypes.Vmlinux();
    }

    /// <inheritdoc/>
    public KernelTypes Types { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Positional { get; }

    /// <inheritdoc/>
    public bool Unsafe { get; init; }

    /// <inheritdoc/>
    public bool HasChild { get; init; }

    /// <summary>The -p process: a uprobe on the binary <c>*</c> expands over its mapped files only.</summary>
    public int? Pid { get; init; }

    private string EventsRoot => _root ??= Directory.Exists("/sys/kernel/tracing/events") || !Directory.Exists("/sys/kernel/debug/tracing/events")
        ? "/sys/kernel/tracing/events" : "/sys/kernel/debug/tracing/events";

    /// <summary>The tracepoints (category, name) matching patterns with <c>*</c> wildcards (<see cref="Wildcard"/>), sorted.</summary>
    public List<(string Category, string Name)> ExpandTracepoints(string category, string name)
    {
        var found = new List<(string, string)>();
        if (!Wildcard.HasWildcard(category) && !Wildcard.HasWildcard(name))
        {
            if (File.Exists(Path.Combine(EventsRoot, category, name, "format")))
                found.Add((category, name));
            return found;
        }
        if (!Directory.Exists(EventsRoot))
            return found;
        foreach (var catDir in Directory.EnumerateDirectories(EventsRoot))
        {
            string cat = Path.GetFileName(catDir);
            if (!Wildcard.IsMatch(category, cat))
                continue;
            foreach (var evDir in Directory.EnumerateDirectories(catDir))
            {
                string ev = Path.GetFileName(evDir);
                if (Wildcard.IsMatch(name, ev) && File.Exists(Path.Combine(evDir, "format")))
                    found.Add((cat, ev));
            }
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Item1 + ":" + a.Item2, b.Item1 + ":" + b.Item2));
        return found;
    }

    /// <inheritdoc/>
    public IReadOnlyList<TracepointField>? TracepointFields(string category, string name)
    {
        string key = category + ":" + name;
        if (_formats.TryGetValue(key, out var cached))
            return cached;
        IReadOnlyList<TracepointField>? fields = null;
        // a name without wildcards is read at once (a missing one is an IOException), not looked up first
        var (cat, ev) = Wildcard.HasWildcard(category) || Wildcard.HasWildcard(name) ? ExpandTracepoints(category, name).FirstOrDefault() : (category, name);
        if (cat is not null)
        {
            try
            {
                var format = TracepointFormat.Parse(cat, ev, KernelFiles.ReadAllText(Path.Combine(EventsRoot, cat, ev, "format")));
                var own = new List<TracepointField>(format.Fields.Count);
                foreach (var f in format.Fields)
                {
                    if (!f.IsCommon)
                        own.Add(f);
                }
                fields = own;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                fields = null;
            }
        }
        _formats[key] = fields;
        return fields;
    }
}
