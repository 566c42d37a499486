using System.Globalization;
using System.Text;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Output;

/// <summary>bpftrace 0.17's text output (output.cpp's TextOutput).</summary>
public sealed class TextTraceOutput : TraceOutput
{
    // The bar column of hist and lhist: values scaled to the largest bucket.
    private const int BarWidth = 52;

    /// <summary>Text output to <paramref name="writer"/>.</summary>
    public TextTraceOutput(TextWriter writer, ITraceValueResolver? resolver = null) : base(writer, resolver) { }

    /// <inheritdoc/>
    public override void Map(MapSnapshot map, int top = 0, int div = 0)
    {
        if (div == 0)
            div = 1;
        var kind = map.ValueType.Kind;
        var entries = MapOrder.Sort(map);
        if (kind is not TypeKind.Stats)
            entries = Top(entries, top);
        var sb = new StringBuilder();
        // Entries are separated by a newline, except stack/symbol/inet values, whose text brings its own.
        string delimiter = kind is TypeKind.Kstack or TypeKind.Ustack or TypeKind.Ksym or TypeKind.Usym or TypeKind.Inet ? "" : "\n";
        for (int i = 0; i < entries.Count; i++)
        {
            if (i > 0)
                sb.Append(delimiter);
            var e = entries[i];
            sb.Append(map.Name);
            if (map.KeyTypes.Count > 0)
                sb.Append('[').AppendJoin(", ", TraceValueFormatter.KeyArguments(map, e.Key, Resolver)).Append(']');
            sb.Append(": ");
            switch (kind)
            {
                case TypeKind.Hist:
                    sb.Append('\n');
                    AppendHist(sb, e.Buckets!, div);
                    break;
                case TypeKind.Lhist:
                    sb.Append('\n');
                    AppendLhist(sb, e.Buckets!, map.ValueType.LhistBounds);
                    break;
                case TypeKind.Stats:
                    sb.Append(CultureInfo.InvariantCulture, $"count {e.Count}, average {e.Average}, total {e.Total}");
                    break;
                default:
                    sb.Append(NumberText(map, e, div) ?? TraceValueFormatter.Text(map.ValueType, e.Raw, Resolver));
                    break;
            }
        }
        sb.Append('\n');
        if (kind is TypeKind.Avg or TypeKind.Stats)
            sb.Append('\n');
        Writer.Write(sb.ToString());
    }

    /// <inheritdoc/>
    public override void Value(TraceType type, ReadOnlySpan<byte> value) =>
        Writer.Write(TraceValueFormatter.Text(type, value, Resolver) + "\n");

    /// <inheritdoc/>
    public override void Printf(string text) => Writer.Write(text);

    /// <inheritdoc/>
    public override void Time(string text) => Writer.Write(text);

    /// <inheritdoc/>
    public override void Join(string text) => Writer.Write(text + "\n");

    /// <inheritdoc/>
    public override void Cat(string text) => Writer.Write(text);

    /// <inheritdoc/>
    public override void Syscall(string text) => Writer.Write(text);

    /// <inheritdoc/>
    public override void System(string text) => Writer.Write(text);

    /// <inheritdoc/>
    public override void AttachedProbes(int count) =>
        Writer.Write(count == 1 ? "Attaching 1 probe...\n" : $"Attaching {count.ToString(CultureInfo.InvariantCulture)} probes...\n");

    /// <inheritdoc/>
    public override void LostEvents(ulong count) => Writer.Write($"Lost {count.ToString(CultureInfo.InvariantCulture)} events\n");

    /// <summary>hist's rows: from the first to the last non-empty bucket, <c>[4, 8)</c> labels with K/M/G/T suffixes.</summary>
    internal static void AppendHist(StringBuilder sb, long[] buckets, int div)
    {
        int min = -1, max = -1, maxValue = 0;
        for (int i = 0; i < buckets.Length; i++)
        {
            int v = (int)buckets[i]; // bpftrace keeps the largest bucket in an int
            if (v > 0)
            {
                if (min < 0)
                    min = i;
                max = i;
            }
            if (v > maxValue)
                maxValue = v;
        }
        if (max < 0)
            return;
        for (int i = min; i <= max; i++)
        {
            string header = i switch
            {
                0 => "(..., 0)",
                1 => "[0]",
                2 => "[1]",
                _ => "[" + HistLabel(i - 2) + ", " + HistLabel(i - 1) + ")",
            };
            AppendRow(sb, header, (ulong)buckets[i] / (ulong)div, buckets[i], maxValue);
        }
    }

    /// <summary>lhist's rows: <c>(..., min)</c>, <c>[lo, hi)</c>, <c>[max, ...)</c>, trimmed to the non-empty range.</summary>
    internal static void AppendLhist(StringBuilder sb, long[] buckets, (long Min, long Max, long Step) bounds)
    {
        var (min, max, step) = bounds;
        long count = (max - min) / step;
        int maxIndex = -1, maxValue = 0;
        for (int i = 0; i < buckets.Length; i++)
        {
            int v = (int)buckets[i];
            if (v != 0)
                maxIndex = i;
            if (v > maxValue)
                maxValue = v;
        }
        if (maxIndex < 0)
            return;
        int start = -1, end = 0;
        for (int i = 0; i <= count + 1 && i < buckets.Length; i++)
        {
            if (buckets[i] > 0)
            {
                if (start < 0)
                    start = i;
                end = i;
            }
        }
        if (start < 0)
            start = 0;
        for (int i = start; i <= end; i++)
        {
            string header = i == 0 ? "(..., " + LhistLabel(min) + ")"
                : i == count + 1 ? "[" + LhistLabel(max) + ", ...)"
                : "[" + LhistLabel((i - 1) * step + min) + ", " + LhistLabel(i * step + min) + ")";
            AppendRow(sb, header, (ulong)buckets[i], buckets[i], maxValue);
        }
    }

    private static void AppendRow(StringBuilder sb, string header, ulong shown, long value, int maxValue)
    {
        // int bar_width = values.at(i)/(float)max_value*max_width: float arithmetic, truncated
        int bar = (int)((float)(ulong)value / maxValue * BarWidth);
        sb.Append(header.PadRight(16))
          .Append(shown.ToString(CultureInfo.InvariantCulture).PadLeft(8))
          .Append(" |")
          .Append(new string('@', Math.Max(bar, 0)).PadRight(BarWidth))
          .Append("|\n");
    }

    // hist_index_label: 1 << power in an int, after taking 10s off for K, M, G, T.
    internal static string HistLabel(int power)
    {
        string suffix = "";
        if (power >= 40) { suffix = "T"; power -= 40; }
        else if (power >= 30) { suffix = "G"; power -= 30; }
        else if (power >= 20) { suffix = "M"; power -= 20; }
        else if (power >= 10) { suffix = "K"; power -= 10; }
        return (1 << power).ToString(CultureInfo.InvariantCulture) + suffix;
    }

    // lhist_index_label: whole mebi/kibi multiples get M/K (computed in int, as bpftrace).
    internal static string LhistLabel(long n)
    {
        int number = (int)n;
        const int kilo = 1024, mega = 1048576;
        if (number == 0)
            return "0";
        if (number % mega == 0)
            return (number / mega).ToString(CultureInfo.InvariantCulture) + "M";
        if (number % kilo == 0)
            return (number / kilo).ToString(CultureInfo.InvariantCulture) + "K";
        return number.ToString(CultureInfo.InvariantCulture);
    }
}
