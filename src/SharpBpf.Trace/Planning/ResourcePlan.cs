using SharpBpf.Core;
using SharpBpf.Trace.Semantics;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.Planning;

/// <summary>A kernel map the script needs.</summary>
/// <param name="Name">The kernel name (15 chars at most).</param>
/// <param name="Type">The map type.</param>
/// <param name="KeySize">Key size in bytes.</param>
/// <param name="ValueSize">Value size in bytes.</param>
/// <param name="MaxEntries">Capacity.</param>
/// <param name="Script">The script map it stores, or null for the event ring and stack maps.</param>
public sealed record MapPlan(string Name, MapType Type, int KeySize, int ValueSize, int MaxEntries, MapInfo? Script);

/// <summary>What a ring buffer record asks userspace to do (the record's first 8 bytes).</summary>
public enum EventKind
{
    /// <summary>exit(): stop.</summary>
    Exit = 1,
    /// <summary>print(@m[, top, div]): payload map index, top, div.</summary>
    PrintMap = 2,
    /// <summary>clear(@m): payload map index.</summary>
    ClearMap = 3,
    /// <summary>zero(@m): payload map index.</summary>
    ZeroMap = 4,
    /// <summary>time(fmt): payload format index.</summary>
    Time = 5,
    /// <summary>print(value): payload value index, then the value.</summary>
    PrintValue = 6,
    /// <summary>printf(fmt, ...): payload format index, then the arguments.</summary>
    Printf = 7,
    /// <summary>cat(fmt, ...): as printf.</summary>
    Cat = 8,
    /// <summary>join(argv[, delim]): payload delimiter index, then <see cref="ResourcePlan.JoinArgs"/> strings of <see cref="ResourcePlan.JoinArgSize"/> bytes.</summary>
    Join = 9,
    /// <summary>system(fmt, ...): as printf; the text is a command for /bin/sh.</summary>
    System = 10,
}

/// <summary>A printf/cat/system format with its arguments' types and where each lies in the record.</summary>
public sealed record FormatPlan(string Format, IReadOnlyList<TraceType> ArgTypes, IReadOnlyList<int> Offsets, int Size);

/// <summary>
/// The resources a script needs, decided before codegen (a named pass, as bpftrace's
/// ResourceAnalyser): kernel maps for script maps, the event ring buffer and the stack map;
/// every printf/cat format, time format and print(value) with its record layout.
/// </summary>
public sealed class ResourcePlan
{
    /// <summary>Entries of each hash map (bpftrace's default map size).</summary>
    public const int MapEntries = 4096;

    /// <summary>Bytes of the event ring buffer (bpftrace 0.17: 64 pages of perf buffer per CPU; a bigger ring costs start-up time in page allocation and mapping).</summary>
    public const int RingSize = 1 << 18;

    /// <summary>Frames kept per stack (bpftrace's default).</summary>
    public const int StackFrames = 127;

    private readonly Dictionary<Node, int> _index = [];

    /// <summary>Every kernel map, script maps first in name order.</summary>
    public List<MapPlan> Maps { get; } = [];

    /// <summary>Index of the event ring buffer in <see cref="Maps"/>.</summary>
    public int RingMap { get; private set; } = -1;

    /// <summary>Index of the stack map of each stack limit used (bpftrace: one stack map per StackType).</summary>
    public SortedDictionary<int, int> StackMaps { get; } = [];

    /// <summary>The index of the stack map that keeps <paramref name="limit"/> frames, or -1.</summary>
    public int StackMap(int limit) => StackMaps.TryGetValue(limit, out int index) ? index : -1;

    /// <summary>printf/cat formats.</summary>
    public List<FormatPlan> Formats { get; } = [];

    /// <summary>time() formats.</summary>
    public List<string> TimeFormats { get; } = [];

    /// <summary>strftime() formats, one per call: a strftime value holds its call's index.</summary>
    public List<string> StrftimeFormats { get; } = [];

    /// <summary>join() delimiters.</summary>
    public List<string> JoinDelimiters { get; } = [];

    /// <summary>Strings join() reads (bpftrace's join_argnum).</summary>
    public const int JoinArgs = 16;

    /// <summary>Bytes per string join() reads (bpftrace's join_argsize).</summary>
    public const int JoinArgSize = 1024;

    /// <summary>print(value) value types.</summary>
    public List<TraceType> PrintValues { get; } = [];

    /// <summary>The script's text.</summary>
    public string Source { get; private init; } = "";

    /// <summary>The semantic result it was planned from.</summary>
    public required SemanticAnalyzer.Result Semantics { get; init; }

    /// <summary>The map index of a script map.</summary>
    public int MapIndex(string name)
    {
        for (int i = 0; i < Maps.Count; i++)
        {
            if (Maps[i].Script?.Name == name)
                return i;
        }
        throw new KeyNotFoundException(name);
    }

    /// <summary>The format/value index planned for a call.</summary>
    public int IndexOf(Call call) => _index[call];

    /// <summary>Plans a script after semantic analysis.</summary>
    public static ResourcePlan Create(ScriptAst script, SemanticAnalyzer.Result semantics)
    {
        var plan = new ResourcePlan { Semantics = semantics, Source = script.Source };
        foreach (var m in semantics.Maps)
        {
            var v = m.Value;
            bool perCpu = v.IsAggregation;
            int valueSize = v.Kind switch
            {
                TypeKind.Avg or TypeKind.Stats => 16,
                _ when v.IsAggregation => 8,
                TypeKind.Integer => 8,
                _ => Math.Max(8, Align8(v.Size)),
            };
            string kname = KernelName(m.Name);
            plan.Maps.Add(new MapPlan(kname, perCpu ? MapType.PercpuHash : MapType.Hash, Align8(m.KeySize), valueSize, MapEntries, m));
        }
        plan.RingMap = plan.Maps.Count;
        plan.Maps.Add(new MapPlan("events", MapType.Ringbuf, 0, 0, RingSize, null));
        var walker = new Walker(plan);
        foreach (var p in script.Probes)
        {
            if (p.Predicate is { } pred)
                walker.Expr(pred);
            walker.Block(p.Body);
        }
        foreach (int limit in walker.StackLimits)
        {
            plan.StackMaps[limit] = plan.Maps.Count;
            plan.Maps.Add(new MapPlan(limit == StackFrames ? "stack" : $"stack_{limit}", MapType.StackTrace, 4, limit * 8, MapEntries, null));
        }
        return plan;
    }

    /// <summary>A kernel map name for a script map: <c>@</c> becomes <c>AT_</c>, cut to 15 bytes.</summary>
    public static string KernelName(string scriptName)
    {
        string n = "AT_" + scriptName[1..];
        return n.Length > 15 ? n[..15] : n;
    }

    /// <summary>Lays out a record: 8-byte kind, 8-byte index, then each value 8-aligned.</summary>
    public static FormatPlan Layout(string format, IReadOnlyList<TraceType> types)
    {
        var offsets = new int[types.Count];
        int at = 16;
        for (int i = 0; i < types.Count; i++)
        {
            offsets[i] = at;
            at += Align8(StoredSize(types[i]));
        }
        return new FormatPlan(format, types, offsets, at);
    }

    /// <summary>Bytes a value takes in a record or a variable: integers and ids 8, the rest their size.</summary>
    public static int StoredSize(TraceType t) => t.Kind switch
    {
        TypeKind.Integer or TypeKind.Pointer or TypeKind.Ksym or TypeKind.Kstack or TypeKind.Ustack
            or TypeKind.Username or TypeKind.Probe or TypeKind.Count or TypeKind.Sum or TypeKind.Min or TypeKind.Max or TypeKind.Record => 8,
        _ => Math.Max(8, t.Size),
    };

    private static int Align8(int n) => (n + 7) & ~7;

    private sealed class Walker(ResourcePlan plan)
    {
        public readonly SortedSet<int> StackLimits = [];

        private readonly List<Call> _strftimeCalls = [];

        public void Block(IReadOnlyList<Statement> body)
        {
            foreach (var s in body)
            {
                switch (s)
                {
                    case ExprStatement e: Expr(e.Expr); break;
                    case Assignment { Target: MapAccess } a: MapAssignment(a); break;
                    case Assignment a: Expr(a.Target); Expr(a.Value); break;
                    case IfStatement i: Expr(i.Condition); Block(i.Then); Block(i.Else); break;
                    case WhileStatement w: Expr(w.Condition); Block(w.Body); break;
                    case UnrollStatement u: Block(u.Body); break;
                }
            }
        }

        // bpftrace 0.17 lists strftime() formats as its resource analyser meets the calls (a map's keys,
        // then the value) but numbers the calls as its codegen emits them (the value, then the keys), so
        // `@[strftime("%H", nsecs)] = strftime("%Y", nsecs)` prints @[2026]: 17; the same numbering here.
        private void MapAssignment(Assignment a)
        {
            int first = plan.StrftimeFormats.Count;
            Expr(a.Target);
            int keys = plan.StrftimeFormats.Count - first;
            Expr(a.Value);
            int values = plan.StrftimeFormats.Count - first - keys;
            if (keys == 0 || values == 0)
                return;
            var calls = _strftimeCalls.GetRange(first, keys + values);
            for (int i = 0; i < calls.Count; i++)
                plan._index[calls[i]] = first + (i < keys ? values + i : i - keys);
        }

        public void Expr(Expr e)
        {
            switch (e)
            {
                case Builtin b when b.Name is "kstack" or "ustack":
                    StackLimits.Add(b.Type.StackLimit);
                    break;
                case Call c:
                {
                    if (c.Name is "kstack" or "ustack")
                    {
                        StackLimits.Add(c.Type.StackLimit);
                        break; // its arguments are a mode and a limit, not values
                    }
                    foreach (var a in c.Arguments)
                        Expr(a);
                    if (c.Name is "printf" or "cat" or "system")
                    {
                        var types = new List<TraceType>();
                        for (int i = 1; i < c.Arguments.Count; i++)
                            types.Add(c.Arguments[i].Type);
                        plan._index[c] = plan.Formats.Count;
                        plan.Formats.Add(Layout(((StringLiteral)c.Arguments[0]).Value, types));
                    }
                    else if (c.Name == "join")
                    {
                        plan._index[c] = plan.JoinDelimiters.Count;
                        plan.JoinDelimiters.Add(c.Arguments.Count == 2 ? ((StringLiteral)c.Arguments[1]).Value : " ");
                    }
                    else if (c.Name == "strftime")
                    {
                        plan._index[c] = plan.StrftimeFormats.Count;
                        _strftimeCalls.Add(c);
                        plan.StrftimeFormats.Add(c.Type.Format ?? "");
                    }
                    else if (c.Name == "time")
                    {
                        plan._index[c] = plan.TimeFormats.Count;
                        plan.TimeFormats.Add(c.Arguments.Count == 1 ? ((StringLiteral)c.Arguments[0]).Value : "%H:%M:%S\n");
                    }
                    else if (c.Name == "print" && c.Arguments.Count > 0 && c.Arguments[0] is not MapAccess { Keys.Count: 0 })
                    {
                        plan._index[c] = plan.PrintValues.Count;
                        plan.PrintValues.Add(c.Arguments[0].Type);
                    }
                    break;
                }
                default:
                    foreach (var child in e.Children)
                        Expr(child);
                    break;
            }
        }
    }
}
