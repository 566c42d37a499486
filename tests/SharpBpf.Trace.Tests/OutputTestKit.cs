using System.Text;
using SharpBpf.TestKit;
using SharpBpf.Trace.Output;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Tests;

/// <summary>Builders for map snapshots and the captured bpftrace output under tests/data/trace.</summary>
internal static class OutputTestKit
{
    public static readonly TraceType I64 = TraceType.Int64;
    public static readonly TraceType S16 = TraceType.String(16);

    public static string Capture(string folder, string name) =>
        File.ReadAllText(Path.Combine(TestPaths.Data, "trace", folder, name));

    /// <summary>A key from values: long for int64, (long, size) tuples for narrower ints, strings padded to 16.</summary>
    public static byte[] Key(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var p in parts)
        {
            switch (p)
            {
                case long l: bytes.AddRange(BitConverter.GetBytes(l)); break;
                case int i: bytes.AddRange(BitConverter.GetBytes((long)i)); break;
                case sbyte b: bytes.Add((byte)b); break;
                case ushort u: bytes.AddRange(BitConverter.GetBytes(u)); break;
                case string s: bytes.AddRange(Str(s, 16)); break;
                default: throw new ArgumentException(p.ToString());
            }
        }
        return [.. bytes];
    }

    public static byte[] Str(string s, int size)
    {
        var b = new byte[size];
        Encoding.UTF8.GetBytes(s).CopyTo(b, 0);
        return b;
    }

    public static byte[] I(long v) => BitConverter.GetBytes(v);

    public static MapSnapshot Count(string name, IReadOnlyList<TraceType> keys, params (byte[] Key, long N)[] entries) =>
        Scalar(name, TraceType.Of(TypeKind.Count), keys, entries);

    public static MapSnapshot Scalar(string name, TraceType type, IReadOnlyList<TraceType> keys, params (byte[] Key, long N)[] entries)
    {
        var m = new MapSnapshot(name, type, keys);
        foreach (var (k, n) in entries)
            m.Add(k, n);
        return m;
    }

    public static MapSnapshot Values(string name, TraceType type, IReadOnlyList<TraceType> keys, params (byte[] Key, byte[] Value)[] entries)
    {
        var m = new MapSnapshot(name, type, keys);
        foreach (var (k, v) in entries)
            m.AddValue(k, v);
        return m;
    }

    /// <summary>avg/stats from the values a script fed in.</summary>
    public static MapSnapshot Averages(string name, TypeKind kind, IReadOnlyList<TraceType> keys, params (byte[] Key, long[] Values)[] entries)
    {
        var m = new MapSnapshot(name, TraceType.Of(kind), keys);
        foreach (var (k, vs) in entries)
            m.AddAverage(k, vs.Length, vs.Sum());
        return m;
    }

    /// <summary>hist from the values a script fed in.</summary>
    public static MapSnapshot Hist(string name, IReadOnlyList<TraceType> keys, params (byte[] Key, long[] Values)[] entries)
    {
        var m = new MapSnapshot(name, TraceType.Of(TypeKind.Hist), keys);
        foreach (var (k, vs) in entries)
        {
            var b = new long[MapSnapshot.HistBuckets];
            foreach (var v in vs)
                b[HistogramBuckets.HistIndex(v)]++;
            m.AddHistogram(k, b);
        }
        return m;
    }

    /// <summary>lhist from the values a script fed in.</summary>
    public static MapSnapshot Lhist(string name, long min, long max, long step, IReadOnlyList<TraceType> keys, params (byte[] Key, long[] Values)[] entries)
    {
        var m = new MapSnapshot(name, TraceType.Lhist(min, max, step), keys);
        foreach (var (k, vs) in entries)
        {
            var b = new long[(max - min) / step + 2];
            foreach (var v in vs)
                b[HistogramBuckets.LhistIndex(v, min, max, step)]++;
            m.AddHistogram(k, b);
        }
        return m;
    }

    public static readonly byte[] NoKey = [];

    /// <summary>Runs <paramref name="write"/> against text and JSON outputs and returns both texts.</summary>
    public static (string Text, string Json) Both(Action<TraceOutput> write)
    {
        var t = new StringWriter();
        var j = new StringWriter();
        write(new TextTraceOutput(t));
        write(new JsonTraceOutput(j));
        return (t.ToString(), j.ToString());
    }
}
