using System.Globalization;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Output;

/// <summary>
/// Where a running script's output goes, in bpftrace 0.17's text or JSON (<c>-f json</c>) form:
/// maps (print(@m) and at exit), print(value), printf, time, join, cat, system, the "Attaching N
/// probes..." line and lost events.
/// </summary>
public abstract class TraceOutput
{
    /// <summary>An output writing to <paramref name="writer"/>, resolving stacks and symbols with <paramref name="resolver"/>.</summary>
    protected TraceOutput(TextWriter writer, ITraceValueResolver? resolver)
    {
        Writer = writer;
        Resolver = resolver ?? new TraceValueResolver();
    }

    /// <summary>The destination.</summary>
    public TextWriter Writer { get; }

    /// <summary>Resolves stacks, symbols, user names.</summary>
    public ITraceValueResolver Resolver { get; }

    /// <summary>The output for bpftrace's <c>-f</c> value: "text" (or null) or "json".</summary>
    public static TraceOutput Create(string? format, TextWriter writer, ITraceValueResolver? resolver = null) => format switch
    {
        null or "text" => new TextTraceOutput(writer, resolver),
        "json" => new JsonTraceOutput(writer, resolver),
        _ => throw new ArgumentException($"Invalid output format \"{format}\"; valid formats: text, json", nameof(format)),
    };

    /// <summary>
    /// print(@m[, top[, div]]): the map sorted as bpftrace sorts it; <paramref name="top"/> keeps only the
    /// last (largest) N entries, <paramref name="div"/> divides the printed values (0 means 1).
    /// </summary>
    public abstract void Map(MapSnapshot map, int top = 0, int div = 0);

    /// <summary>What bpftrace prints when the script ends: two newlines, then every map by name (ordinal order).</summary>
    public void MapsAtExit(IEnumerable<MapSnapshot> maps)
    {
        Writer.Write("\n\n");
        var sorted = new List<MapSnapshot>(maps);
        sorted.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var m in sorted)
            Map(m);
    }

    /// <summary>print(expr) of a non-map value.</summary>
    public abstract void Value(TraceType type, ReadOnlySpan<byte> value);

    /// <summary>printf's formatted text (see <see cref="PrintfFormatter"/>).</summary>
    public abstract void Printf(string text);

    /// <summary>time()'s formatted text.</summary>
    public abstract void Time(string text);

    /// <summary>join()'s joined arguments (a newline follows in text).</summary>
    public abstract void Join(string text);

    /// <summary>cat()'s file contents.</summary>
    public abstract void Cat(string text);

    /// <summary>system()'s command output.</summary>
    public abstract void Syscall(string text);

    /// <summary>system()'s command output.</summary>
    public abstract void System(string text);

    /// <summary>"Attaching N probes..." before the first event.</summary>
    public abstract void AttachedProbes(int count);

    /// <summary>Events the ring or perf buffer dropped.</summary>
    public abstract void LostEvents(ulong count);

    /// <summary>
    /// A numeric map value divided by print()'s <paramref name="div"/> as bpftrace divides it (count and
    /// unsigned 64-bit integers unsigned, the rest signed; avg prints its average), or null for other types.
    /// </summary>
    private protected static string? NumberText(MapSnapshot map, MapEntry e, int div)
    {
        var t = map.ValueType;
        switch (t.Kind)
        {
            case TypeKind.Avg:
                return (e.Average / div).ToString(CultureInfo.InvariantCulture);
            case TypeKind.Count:
                return ((ulong)e.Value / (ulong)div).ToString(CultureInfo.InvariantCulture);
            case TypeKind.Sum or TypeKind.Min or TypeKind.Max:
                return (e.Value / div).ToString(CultureInfo.InvariantCulture);
            case TypeKind.Integer when div != 1:
            {
                long v = TraceValueFormatter.ReadInteger(t, e.Raw);
                return t.IsSigned || t.Size < 8
                    ? (v / div).ToString(CultureInfo.InvariantCulture)
                    : ((ulong)v / (ulong)div).ToString(CultureInfo.InvariantCulture);
            }
            default:
                return null;
        }
    }

    internal static List<MapEntry> Top(List<MapEntry> sorted, int top)
    {
        if (top > 0 && sorted.Count > top)
            sorted.RemoveRange(0, sorted.Count - top);
        return sorted;
    }
}
