using SharpBpf.Trace.Output;
using SharpBpf.Trace.Semantics;
using Xunit;
using static SharpBpf.Trace.Tests.OutputTestKit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// Map printing against bpftrace 0.17's own output: each test rebuilds the maps a script in
/// tests/data/trace/output makes and compares with the captured text (NAME.txt) and JSON (NAME.json).
/// </summary>
public sealed class OutputMapTests
{
    private static readonly TraceType Str64 = TraceType.String(64);

    private static void AssertGolden(string name, Action<TraceOutput> write)
    {
        var (text, json) = Both(o =>
        {
            o.AttachedProbes(1);
            write(o);
        });
        Assert.Equal(Capture("output", name + ".txt"), text);
        Assert.Equal(Capture("output", name + ".json"), json);
    }

    [Fact]
    public void Basic_aggregations_and_values_print_as_bpftrace_at_exit()
    {
        var s16 = S16;
        AssertGolden("maps-basic", o => o.MapsAtExit(
        [
            Count("@c", [I64], (Key(1), 1), (Key(2), 2), (Key(-3), 3)),
            Scalar("@s", TraceType.Of(TypeKind.Sum), [s16], (Key("b"), 5), (Key("a"), 10), (Key("c"), -2)),
            Scalar("@mn", TraceType.Of(TypeKind.Min), [], (NoKey, -3)),
            Scalar("@mx", TraceType.Of(TypeKind.Max), [I64, s16], (Key(1, "x"), 7), (Key(0, "y"), 9)),
            Averages("@av", TypeKind.Avg, [], (NoKey, [10, 3])),
            Averages("@st", TypeKind.Stats, [], (NoKey, [10, 3, 100])),
            Values("@i", I64, [I64], (Key(5), I(1)), (Key(2), I(9)), (Key(10), I(-4))),
            Values("@str", Str64, [I64], (Key(1), Str("hello", 64)), (Key(0), Str("abc", 64))),
            Values("@e", I64, [I64]),
            Values("@n", I64, [], (NoKey, I(3))),
            Values("@", I64, [], (NoKey, I(42))),
        ]));
    }

    [Fact]
    public void Keys_sort_unsigned_and_by_strcmp_values_by_value()
    {
        AssertGolden("maps-sort", o => o.MapsAtExit(
        [
            Values("@k", Str64, [I64], (Key(-1), Str("a", 64)), (Key(5), Str("b", 64)), (Key(3), Str("c", 64)), (Key(0), Str("d", 64))),
            Values("@k8", Str64, [TraceType.Integer(1, true)], (Key((sbyte)-1), Str("x", 64)), (Key((sbyte)4), Str("y", 64)), (Key((sbyte)2), Str("z", 64))),
            Values("@k16", Str64, [TraceType.Integer(2, false)], (Key((ushort)300), Str("p", 64)), (Key((ushort)2), Str("q", 64))),
            Values("@ks", Str64, [S16], (Key("zeta"), Str("1", 64)), (Key("alpha"), Str("2", 64)), (Key("mid"), Str("3", 64)), (Key("al"), Str("4", 64))),
            Values("@two", Str64, [I64, S16], (Key(2, "b"), Str("v1", 64)), (Key(1, "z"), Str("v2", 64)), (Key(1, "a"), Str("v3", 64))),
            Scalar("@neg", TraceType.Of(TypeKind.Sum), [I64], (Key(1), -5), (Key(2), 3), (Key(3), -10)),
            Count("@cnt", [S16], (Key("a"), 1), (Key("b"), 3), (Key("c"), 2)),
        ]));
    }

    [Fact]
    public void Hist_buckets_labels_and_bars_match()
    {
        AssertGolden("maps-hist", o => o.MapsAtExit(
        [
            Hist("@h", [], (NoKey, [0, 1, 2, 3, 1024, 1500, -5, 1048576, 1073741824, 1099511627776, 3, 3, 3, 2, 5, 6, 7])),
            Hist("@big", [], (NoKey, [2199023255552, 4503599627370496, 4503599627370496])),
            Hist("@one", [], (NoKey, [100])),
            Hist("@k", [S16], (Key("b"), [10, 20]), (Key("a"), [1]), (Key("c"), [1, 2, 5])),
            Hist("@z", [], (NoKey, [0])),
            Hist("@neg", [], (NoKey, [-1, -100])),
        ]));
    }

    [Fact]
    public void Lhist_ranges_suffixes_and_trimming_match()
    {
        AssertGolden("maps-lhist", o => o.MapsAtExit(
        [
            Lhist("@l", 0, 100, 10, [], (NoKey, [7, -1, 150, 50, 55, 99])),
            Lhist("@k", 0, 4096, 1024, [], (NoKey, [2048, 5000, 1])),
            Lhist("@m", 0, 3145728, 1048576, [], (NoKey, [1048576, 3])),
            Lhist("@lo", 100, 300, 50, [], (NoKey, [150, 50, 310])),
            Lhist("@mid", 0, 10, 2, [], (NoKey, [5, 7])),
            Lhist("@s", 0, 10, 2, [], (NoKey, [7])),
            Lhist("@kk", 0, 10, 1, [I64], (Key(2), [3]), (Key(1), [3, 4])),
        ]));
    }

    [Fact]
    public void Avg_and_stats_sort_by_average()
    {
        AssertGolden("maps-stats", o => o.MapsAtExit(
        [
            Averages("@a", TypeKind.Avg, [S16], (Key("x"), [10, 20]), (Key("y"), [1]), (Key("z"), [-9]), (Key("w"), [100])),
            Averages("@s", TypeKind.Stats, [I64], (Key(1), [5, 6]), (Key(2), [1]), (Key(3), [-4, 1])),
            Averages("@one", TypeKind.Avg, [], (NoKey, [7])),
            Averages("@st", TypeKind.Stats, [], (NoKey, [0])),
        ]));
    }

    [Fact]
    public void Print_top_div_values_and_empty_maps_match()
    {
        var tuple2 = TraceType.Tuple([I64, TraceType.String(2)]);
        var nested = TraceType.Tuple([I64, TraceType.Tuple([I64, TraceType.String(2)]), TraceType.String(2)]);
        var tuple3 = TraceType.Tuple([I64, TraceType.String(4), I64]);
        AssertGolden("maps-print", o =>
        {
            var b = Values("@b", I64, [I64], (Key(2), I(3)), (Key(1), I(4)));
            var a = Values("@a", I64, [], (NoKey, I(1)));
            o.Map(b);
            o.Map(a);
            o.Printf("between\n");
            o.Value(I64, I(5));
            o.Value(TraceType.String(2), Str("s", 2));
            o.Value(tuple2, Tuple(tuple2, 1L, "a"));
            o.Value(nested, Tuple(nested, -1L, Tuple(nested.Elements[1], 2L, "x"), "y"));
            var h = Hist("@h", [], (NoKey, [3]));
            o.Map(h);
            var st = Averages("@st", TypeKind.Stats, [], (NoKey, [4]));
            o.Map(st);
            var av = Averages("@av", TypeKind.Avg, [], (NoKey, [4]));
            o.Map(av);
            var l = Lhist("@l", 0, 10, 1, [], (NoKey, [3]));
            o.Map(l);
            var c = Count("@c", [I64], (Key(1), 1), (Key(2), 2), (Key(3), 3));
            o.Map(c, 2);
            o.Map(c, 0, 2);
            o.Map(c, 1, 3);
            var t = Values("@t", tuple3, [], (NoKey, Tuple(tuple3, 1L, "two", 3L)));
            o.Map(t);
            var e = Values("@e", I64, [I64]);
            o.Map(e);
            var cleared = Count("@c", [I64]);
            o.Map(cleared);
            o.Printf("end\n");
            o.MapsAtExit([a, av, b, cleared, e, h, l, st, t]);
        });
    }

    [Fact]
    public void Print_of_scalars_tuples_buffers_and_addresses_match()
    {
        var tuple2 = TraceType.Tuple([I64, I64]);
        var nested = TraceType.Tuple([TraceType.String(2), I64, TraceType.Tuple([I64, TraceType.String(2)])]);
        var buf = TraceType.Of(TypeKind.Buffer);
        var inet = TraceType.Of(TypeKind.Inet);
        var pair = TraceType.Tuple([I64, TraceType.String(2)]);
        AssertGolden("values", o =>
        {
            o.Value(I64, I(1));
            o.Value(I64, I(-1));
            o.Value(TraceType.Integer(1, false), [255]);
            o.Value(TraceType.Integer(1, true), [0xff]);
            o.Value(TraceType.String(9), Str("a string", 9));
            o.Value(tuple2, Tuple(tuple2, 1L, 2L));
            o.Value(nested, Tuple(nested, "a", -3L, Tuple(nested.Elements[2], 4L, "b")));
            o.Value(buf, [5, (byte)'a', (byte)'b', 0, 1, 0xff]);
            o.Value(inet, Inet4(127, 0, 0, 1));
            o.Value(inet, Inet4(127, 0, 0, 1));
            o.MapsAtExit(
            [
                Values("@tv", pair, [], (NoKey, Tuple(pair, 5L, "x"))),
                Values("@tk", pair, [I64], (Key(1), Tuple(pair, 2L, "y")), (Key(0), Tuple(pair, 3L, "z"))),
                Values("@bf", buf, [], (NoKey, [3, (byte)'h', (byte)'i', (byte)'\n'])),
                Values("@ip", inet, [], (NoKey, Inet4(192, 168, 1, 1))),
            ]);
        });
    }

    [Fact]
    public void Stacks_indent_by_four_in_keys_and_eight_in_values()
    {
        var kstack = TraceType.Of(TypeKind.Kstack);
        var resolver = new FakeStacks();
        var text = new StringWriter();
        var o = new TextTraceOutput(text, resolver);
        o.AttachedProbes(1);
        o.Printf(PrintfFormatter.Render("[%s]\n", PrintfArgument.Str(resolver.Resolve(kstack, I(-14), inKey: false))));
        o.Value(kstack, I(-14));
        o.MapsAtExit(
        [
            Values("@k", I64, [kstack], (I(-14), I(1)), (I(1), I(1))),
            Values("@v", kstack, [], (NoKey, I(2))),
        ]);
        Assert.Equal(Capture("output", "stacks.txt"), text.ToString());
    }

    // Stack ids as the stack map would give them: 1 and 2 hold frames, a negative id (EFAULT) is empty.
    private sealed class FakeStacks : ITraceValueResolver
    {
        public string Resolve(TraceType type, ReadOnlySpan<byte> value, bool inKey)
        {
            long id = BitConverter.ToInt64(value);
            (ulong, string)[] frames = id switch
            {
                1 => [(0xffffffff81000100UL, "__handle_mm_fault+253")],
                2 => [(0xffffffff81000100UL, "__handle_mm_fault+253"), (0xffffffff81000200UL, "handle_mm_fault+211")],
                _ => [],
            };
            return id < 0 ? "" : SymbolFormat.Stack(frames, indent: inKey ? SymbolFormat.KeyStackIndent : SymbolFormat.StackIndent);
        }
    }

    [Fact]
    public void Hist_index_follows_bpftrace_017_log2()
    {
        Assert.Equal(0, HistogramBuckets.HistIndex(-1));
        Assert.Equal(1, HistogramBuckets.HistIndex(0));
        Assert.Equal(2, HistogramBuckets.HistIndex(1));
        Assert.Equal(3, HistogramBuckets.HistIndex(2));
        Assert.Equal(3, HistogramBuckets.HistIndex(3));
        Assert.Equal(11, HistogramBuckets.HistIndex(1023));
        Assert.Equal(12, HistogramBuckets.HistIndex(1024));
        Assert.Equal(33, HistogramBuckets.HistIndex(1L << 31));
        Assert.Equal(33, HistogramBuckets.HistIndex(long.MaxValue));
    }

    [Fact]
    public void Per_cpu_folding_follows_bpftrace()
    {
        Assert.Equal(6, PerCpu.Sum([1, 2, 3]));
        Assert.Equal(0, PerCpu.Max([-5, 0]));
        Assert.Equal(-3, PerCpu.MinFromInverted([0, 0xffffffffL + 3, 0xffffffffL - 5]));
        Assert.Equal(new long[] { 2, 4 }, PerCpu.SumBuckets([[1, 1], [1, 3]]));
    }

    [Fact]
    public void Wrong_add_method_for_the_value_type_throws()
    {
        var m = new MapSnapshot("@h", TraceType.Of(TypeKind.Hist));
        Assert.Throws<InvalidOperationException>(() => m.Add([], 1));
        var c = new MapSnapshot("@c", TraceType.Of(TypeKind.Count), [I64]);
        Assert.Throws<ArgumentException>(() => c.Add([1, 2], 1));
    }

    private static byte[] Inet4(byte a, byte b, byte c, byte d)
    {
        var v = new byte[24];
        v[0] = 2;
        v[8] = a; v[9] = b; v[10] = c; v[11] = d;
        return v;
    }

    /// <summary>A tuple's bytes: longs and strings (NUL-padded to the element's size) at bpftrace's offsets.</summary>
    internal static byte[] Tuple(TraceType tuple, params object[] values)
    {
        var bytes = new byte[tuple.Size];
        var offsets = tuple.TupleOffsets();
        for (int i = 0; i < values.Length; i++)
        {
            var e = tuple.Elements[i];
            byte[] part = values[i] switch
            {
                long l => BitConverter.GetBytes(l),
                string s => Str(s, e.Size),
                byte[] b => b,
                _ => throw new ArgumentException("tuple element"),
            };
            part.AsSpan(0, Math.Min(part.Length, e.Size)).CopyTo(bytes.AsSpan(offsets[i]));
        }
        return bytes;
    }
}
