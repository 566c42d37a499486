using System.Globalization;
using System.Text;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Output;

/// <summary>
/// bpftrace 0.17's <c>-f json</c> output (output.cpp's JsonOutput): one object per line,
/// <c>{"type": "map", "data": {"@x": {"key": value}}}</c>, <c>"hist"</c> for hist and lhist,
/// <c>"stats"</c> for avg and stats, <c>"printf"</c>, <c>"value"</c>, <c>"attached_probes"</c>...
/// Empty maps print nothing.
/// </summary>
public sealed class JsonTraceOutput : TraceOutput
{
    /// <summary>JSON output to <paramref name="writer"/>.</summary>
    public JsonTraceOutput(TextWriter writer, ITraceValueResolver? resolver = null) : base(writer, resolver) { }

    /// <inheritdoc/>
    public override void Map(MapSnapshot map, int top = 0, int div = 0)
    {
        if (map.Entries.Count == 0)
            return;
        if (div == 0)
            div = 1;
        var kind = map.ValueType.Kind;
        var entries = MapOrder.Sort(map);
        if (kind is not TypeKind.Stats)
            entries = Top(entries, top);
        string type = kind switch
        {
            TypeKind.Hist or TypeKind.Lhist => "hist",
            TypeKind.Avg or TypeKind.Stats => "stats",
            _ => "map",
        };
        bool keyed = map.KeyTypes.Count > 0;
        var sb = new StringBuilder();
        sb.Append("{\"type\": \"").Append(type).Append("\", \"data\": {\"").Append(TraceValueFormatter.JsonEscape(map.Name)).Append("\": ");
        if (keyed)
            sb.Append('{');
        for (int i = 0; i < entries.Count; i++)
        {
            if (i > 0)
                sb.Append(", ");
            var e = entries[i];
            if (keyed)
            {
                var args = TraceValueFormatter.KeyArguments(map, e.Key, Resolver);
                sb.Append('"').Append(TraceValueFormatter.JsonEscape(string.Join(",", args))).Append("\": ");
            }
            switch (kind)
            {
                case TypeKind.Hist:
                    AppendHist(sb, e.Buckets!, div);
                    break;
                case TypeKind.Lhist:
                    AppendLhist(sb, e.Buckets!, map.ValueType.LhistBounds);
                    break;
                case TypeKind.Stats:
                    sb.Append(CultureInfo.InvariantCulture, $"{{\"count\": {e.Count}, \"average\": {e.Average}, \"total\": {e.Total}}}");
                    break;
                default:
                    sb.Append(NumberText(map, e, div) ?? TraceValueFormatter.Json(map.ValueType, e.Raw, Resolver));
                    break;
            }
        }
        if (keyed)
            sb.Append('}');
        sb.Append("}}\n");
        Writer.Write(sb.ToString());
    }

    /// <inheritdoc/>
    public override void Value(TraceType type, ReadOnlySpan<byte> value) =>
        Writer.Write("{\"type\": \"value\", \"data\": " + TraceValueFormatter.Json(type, value, Resolver) + "}\n");

    /// <inheritdoc/>
    public override void Printf(string text) => Message("printf", text);

    /// <inheritdoc/>
    public override void Time(string text) => Message("time", text);

    /// <inheritdoc/>
    public override void Join(string text) => Message("join", text);

    /// <inheritdoc/>
    public override void Cat(string text) => Message("cat", text);

    /// <inheritdoc/>
    public override void Syscall(string text) => Message("syscall", text);

    /// <inheritdoc/>
    public override void System(string text) => Message("syscall", text);

    /// <inheritdoc/>
    public override void AttachedProbes(int count) =>
        Writer.Write($"{{\"type\": \"attached_probes\", \"data\": {{\"probes\": {count.ToString(CultureInfo.InvariantCulture)}}}}}\n");

    /// <inheritdoc/>
    public override void LostEvents(ulong count) =>
        Writer.Write($"{{\"type\": \"lost_events\", \"data\": {{\"events\": {count.ToString(CultureInfo.InvariantCulture)}}}}}\n");

    private void Message(string type, string text) =>
        Writer.Write("{\"type\": \"" + type + "\", \"data\": \"" + TraceValueFormatter.JsonEscape(text) + "\"}\n");

    private static void AppendHist(StringBuilder sb, long[] buckets, int div)
    {
        int min = -1, max = -1;
        for (int i = 0; i < buckets.Length; i++)
        {
            if ((int)buckets[i] > 0)
            {
                if (min < 0)
                    min = i;
                max = i;
            }
        }
        sb.Append('[');
        for (int i = min; max >= 0 && i <= max; i++)
        {
            if (i > min)
                sb.Append(", ");
            sb.Append('{');
            if (i == 0)
                sb.Append("\"max\": -1, ");
            else if (i == 1)
                sb.Append("\"min\": 0, \"max\": 0, ");
            else if (i == 2)
                sb.Append("\"min\": 1, \"max\": 1, ");
            else
            {
                // bpftrace 0.17 computes the bounds with int shifts: 2^31 wraps negative, and a shift by 32
                // is a shift by 0 (x86 masks the count, as C# does).
                int low = 1 << (i - 2);
                int high = (1 << (i - 1)) - 1;
                sb.Append(CultureInfo.InvariantCulture, $"\"min\": {low}, \"max\": {high}, ");
            }
            sb.Append("\"count\": ").Append(((ulong)buckets[i] / (ulong)div).ToString(CultureInfo.InvariantCulture)).Append('}');
        }
        sb.Append(']');
    }

    private static void AppendLhist(StringBuilder sb, long[] buckets, (long Min, long Max, long Step) bounds)
    {
        var (min, max, step) = bounds;
        long count = (max - min) / step;
        int start = -1, end = 0;
        bool any = false;
        for (int i = 0; i < buckets.Length; i++)
            any |= buckets[i] != 0;
        for (int i = 0; i <= count + 1 && i < buckets.Length; i++)
        {
            if (buckets[i] > 0)
            {
                if (start < 0)
                    start = i;
                end = i;
            }
        }
        sb.Append('[');
        if (any)
        {
            if (start < 0)
                start = 0;
            for (int i = start; i <= end; i++)
            {
                if (i > start)
                    sb.Append(", ");
                sb.Append('{');
                if (i == 0)
                    sb.Append(CultureInfo.InvariantCulture, $"\"max\": {min - 1}, ");
                else if (i == count + 1)
                    sb.Append(CultureInfo.InvariantCulture, $"\"min\": {max}, ");
                else
                    sb.Append(CultureInfo.InvariantCulture, $"\"min\": {(i - 1) * step + min}, \"max\": {i * step + min - 1}, ");
                sb.Append("\"count\": ").Append(buckets[i].ToString(CultureInfo.InvariantCulture)).Append('}');
            }
        }
        sb.Append(']');
    }
}
