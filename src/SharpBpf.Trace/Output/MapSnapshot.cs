using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Output;

/// <summary>
/// The contents of one script map at one moment, ready to print exactly as bpftrace 0.17 prints it.
/// </summary>
/// <remarks>
/// <para>
/// SharpBpf.Trace.Output turns what the kernel holds into bpftrace's text and JSON. The compiler
/// fills a snapshot from a kernel map and hands it to a <see cref="TraceOutput"/>
/// (<see cref="TextTraceOutput"/> or <see cref="JsonTraceOutput"/>), which sorts and prints it:
/// </para>
/// <code>
/// var m = new MapSnapshot("@c", TraceType.Of(TypeKind.Count), [TraceType.Int64]);
/// m.Add(BitConverter.GetBytes(2L), PerCpu.Sum(slots));          // count/sum/min/max
/// output.Map(m);                                                 // print(@c) or at exit
/// </code>
/// <list type="bullet">
/// <item><see cref="Name"/>: <c>@x</c>, or <c>@</c> for the anonymous map.</item>
/// <item><see cref="KeyTypes"/>: one type per key argument (<c>@x[a, b]</c> has two), empty for <c>@x</c>.
/// A key's bytes are those arguments' bytes back to back, each <see cref="TraceType.Size"/> long
/// (bpftrace's MapKey layout); integers little-endian, strings NUL-padded.</item>
/// <item><see cref="ValueType"/>: an aggregation (<see cref="TypeKind.Count"/>, Sum, Min, Max, Avg, Stats,
/// Hist, <see cref="TraceType.Lhist"/> with its bounds) or a plain type (Integer, String, Tuple, Ksym,
/// Usym, Kstack, Ustack, Inet, Buffer, Username, Probe, Pointer).</item>
/// <item>Entries, one per key, added with the method for the value type: <see cref="Add(byte[], long)"/>
/// (count/sum/min/max, folded with <see cref="PerCpu"/>), <see cref="AddAverage"/> (avg/stats),
/// <see cref="AddHistogram"/> (hist/lhist buckets), <see cref="AddValue"/> (plain values' bytes).</item>
/// </list>
/// <para>
/// Order is the kernel's iteration order; the printers sort as bpftrace does (count, sum, integers,
/// min, max by value; hist/lhist by total count, avg/stats by average, ties by key bytes; the rest by
/// key: integers unsigned, strings by strcmp, other key types left in order).
/// </para>
/// </remarks>
public sealed class MapSnapshot
{
    private readonly List<MapEntry> _entries = [];

    /// <summary>A snapshot of <paramref name="name"/> holding <paramref name="valueType"/> values under keys of <paramref name="keyTypes"/>.</summary>
    public MapSnapshot(string name, TraceType valueType, IReadOnlyList<TraceType>? keyTypes = null)
    {
        Name = name;
        ValueType = valueType;
        KeyTypes = keyTypes ?? [];
        int size = 0;
        foreach (var t in KeyTypes)
            size += t.Size;
        KeySize = size;
    }

    /// <summary><c>@name</c> (or <c>@</c>).</summary>
    public string Name { get; }

    /// <summary>What each value is.</summary>
    public TraceType ValueType { get; }

    /// <summary>The key's argument types, empty for a map without keys.</summary>
    public IReadOnlyList<TraceType> KeyTypes { get; }

    /// <summary>Bytes in a key (the sum of the key types' sizes).</summary>
    public int KeySize { get; }

    /// <summary>The entries in the order they were added.</summary>
    public IReadOnlyList<MapEntry> Entries => _entries;

    /// <summary>Adds a count, sum, min or max (already folded across CPUs).</summary>
    public void Add(byte[] key, long value)
    {
        Expect(TypeKind.Count, TypeKind.Sum, TypeKind.Min, TypeKind.Max);
        _entries.Add(new MapEntry(CheckKey(key), value, 0, 0, null, null));
    }

    /// <summary>Adds an avg or stats entry: how many values and their total (summed across CPUs).</summary>
    public void AddAverage(byte[] key, long count, long total)
    {
        Expect(TypeKind.Avg, TypeKind.Stats);
        _entries.Add(new MapEntry(CheckKey(key), 0, count, total, null, null));
    }

    /// <summary>
    /// Adds a hist or lhist entry: the bucket counts summed across CPUs (hist: up to 65 buckets;
    /// lhist: (max - min) / step + 2). Missing buckets count as 0.
    /// </summary>
    public void AddHistogram(byte[] key, ReadOnlySpan<long> buckets)
    {
        Expect(TypeKind.Hist, TypeKind.Lhist);
        int n = ValueType.Kind == TypeKind.Hist ? HistBuckets : checked((int)LhistBucketCount(ValueType));
        var all = new long[Math.Max(n, buckets.Length)];
        buckets.CopyTo(all);
        _entries.Add(new MapEntry(CheckKey(key), 0, 0, 0, all, null));
    }

    /// <summary>Adds a plain value (integer, string, tuple, symbol, stack id...) as its type lays it out.</summary>
    public void AddValue(byte[] key, byte[] value)
    {
        if (ValueType.IsAggregation)
            throw new InvalidOperationException($"{Name} holds {ValueType}; use the method for that aggregation");
        _entries.Add(new MapEntry(CheckKey(key), 0, 0, 0, null, value));
    }

    /// <summary>hist's bucket count: negative, 0, 1, then one per power of two up to 2^63.</summary>
    public const int HistBuckets = 65;

    internal static long LhistBucketCount(TraceType lhist)
    {
        var (min, max, step) = lhist.LhistBounds;
        return (max - min) / step + 2;
    }

    private byte[] CheckKey(byte[] key)
    {
        if (key.Length < KeySize)
            throw new ArgumentException($"key of {Name} has {key.Length} bytes, its types need {KeySize}", nameof(key));
        return key;
    }

    private void Expect(params TypeKind[] kinds)
    {
        if (Array.IndexOf(kinds, ValueType.Kind) < 0)
            throw new InvalidOperationException($"{Name} holds {ValueType}, not {string.Join("/", kinds)}");
    }
}
