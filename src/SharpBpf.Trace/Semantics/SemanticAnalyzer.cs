using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.Semantics;

/// <summary>
/// Gives every expression a type, every map its key and value types, checks calls and builtins
/// against the probe they run in, and reports errors worded as bpftrace 0.17 words them. Runs
/// twice, as bpftrace iterates its pass, so a map read in one probe can be typed by an assignment
/// in a later one.
/// </summary>
public sealed partial class SemanticAnalyzer
{
    /// <summary>bpftrace's default string size (BPFTRACE_STRLEN).</summary>
    public const int StringSize = 64;

    private readonly ScriptAst _script;
    private readonly ITraceEnvironment _env;
    private readonly Dictionary<string, MapInfo> _maps = new(StringComparer.Ordinal);
    private List<TraceDiagnostic> _diagnostics = [];
    private Dictionary<string, TraceType> _variables = new(StringComparer.Ordinal);
    private ProbeKind _kind;
    private Probe _probe = null!;
    private int _probeIndex;
    // the first pass's variables per probe: their types after every assignment
    private List<IReadOnlyDictionary<string, TraceType>>? _firstPass;
    private AttachPoint _attach = null!;
    private int _loopDepth;
    // The call being visited as an assignment's value or a map key (bpftrace's call.map, call.var, call.key_for_map).
    private Call? _directCall;
    private bool _directToMap;
    private bool _final;

    private SemanticAnalyzer(ScriptAst script, ITraceEnvironment env)
    {
        _script = script;
        _env = env;
    }

    /// <summary>The result: maps by name, variables per probe, the kind of each probe.</summary>
    public sealed class Result
    {
        /// <summary>Maps, ordered by name.</summary>
        public required IReadOnlyList<MapInfo> Maps { get; init; }

        /// <summary>Each probe's scratch variables and their types.</summary>
        public required IReadOnlyList<IReadOnlyDictionary<string, TraceType>> Variables { get; init; }

        /// <summary>Each probe's kind.</summary>
        public required IReadOnlyList<ProbeKind> Kinds { get; init; }

        /// <summary>Warnings (errors throw).</summary>
        public required IReadOnlyList<TraceDiagnostic> Warnings { get; init; }
    }

    /// <summary>Analyzes a parsed script; throws <see cref="TraceCompileException"/> with every error.</summary>
    public static Result Analyze(ScriptAst script, ITraceEnvironment env)
    {
        var a = new SemanticAnalyzer(script, env);
        a._firstPass = a.Run();
        a._diagnostics = [];
        a._final = true;
        var variables = a.Run();
        var errors = a._diagnostics.FindAll(d => !d.IsWarning);
        if (errors.Count > 0)
            throw new TraceCompileException(a._diagnostics);
        var maps = new List<MapInfo>(a._maps.Values);
        maps.Sort((x, y) => string.CompareOrdinal(x.Name, y.Name));
        var kinds = new List<ProbeKind>();
        foreach (var p in script.Probes)
            kinds.Add(KindOf(p.AttachPoints[0]));
        return new Result { Maps = maps, Variables = variables, Kinds = kinds, Warnings = a._diagnostics };
    }

    /// <summary>The probe kind of an attach point's provider.</summary>
    public static ProbeKind KindOf(AttachPoint ap) => ProbeTypes.KindOf(ap.Provider);

    private List<IReadOnlyDictionary<string, TraceType>> Run()
    {
        var all = new List<IReadOnlyDictionary<string, TraceType>>();
        foreach (var probe in _script.Probes)
        {
            _probe = probe;
            _probeIndex = all.Count;
            _variables = new Dictionary<string, TraceType>(StringComparer.Ordinal);
            foreach (var ap in probe.AttachPoints)
                CheckAttachPoint(ap);
            _attach = probe.AttachPoints[0];
            _kind = KindOf(_attach);
            if (probe.Predicate is { } pred)
                Visit(pred);
            Block(probe.Body);
            all.Add(_variables);
        }
        return all;
    }

    private void Error(string message, SourceSpan? span)
    {
        if (_final)
            _diagnostics.Add(new TraceDiagnostic(message, span));
    }

    private void Warning(string message, SourceSpan? span)
    {
        if (_final)
            _diagnostics.Add(new TraceDiagnostic(message, span, IsWarning: true));
    }

    private void CheckAttachPoint(AttachPoint ap)
    {
        var kind = KindOf(ap);
        switch (kind)
        {
            case ProbeKind.Begin:
            case ProbeKind.End:
                if (ap.Parts.Count != 0)
                    Error($"{ap.Provider} probe type requires 0 arguments", ap.Span);
                break;
            case ProbeKind.Tracepoint:
                if (ap.Parts.Count != 2)
                    Error("tracepoint probe type requires 2 arguments", ap.Span);
                else if (_env.TracepointFields(ap.Parts[0], ap.Parts[1]) is null)
                    Error($"{(ap.Parts.Any(Wildcard.HasWildcard) ? "tracepoints" : "tracepoint")} not found: {ap.Parts[0]}:{ap.Parts[1]}", ap.Span);
                break;
            case ProbeKind.RawTracepoint:
                if (ap.Parts.Count != 1)
                    Error("rawtracepoint probe type requires 1 argument", ap.Span);
                break;
            case ProbeKind.Uprobe:
            case ProbeKind.Uretprobe:
                if (ap.Parts.Count is not (2 or 3))
                    Error($"{ap.Provider} probe type requires 2 or 3 arguments", ap.Span);
                break;
            case ProbeKind.Interval:
            case ProbeKind.Profile:
                // as bpftrace 0.17: the parser reads the rate (BpftraceInt), the analyser checks the unit, then
                // a profile's rate; an interval of 0 passes here and fails to attach (TraceSession)
                if (ProbeSpec.RateError(ap.Provider, ap.Parts, out ulong n) is { } rateError)
                    Error(rateError, ap.Span);
                else if (kind == ProbeKind.Profile && (long)n <= 0)
                    Error("profile frequency should be a positive integer", ap.Span); // 0.17 compares the rate as signed
                break;
            case ProbeKind.Software:
                if (ap.Parts.Count is not (1 or 2))
                    Error("software probe type requires 1 or 2 arguments", ap.Span);
                break;
            case ProbeKind.Invalid:
                Error($"Invalid probe type: {ap.Provider}", ap.Span);
                break;
            default:
                Error($"{ap.Provider} probes are not supported by SharpBpf on this kernel (no kprobe_events in tracefs and no fentry support); use a tracepoint or rawtracepoint instead", ap.Span);
                break;
        }
    }

    private void Block(IReadOnlyList<Statement> statements)
    {
        foreach (var s in statements)
            Statement(s);
    }

    private void Statement(Statement s)
    {
        switch (s)
        {
            case ExprStatement e:
                Visit(e.Expr);
                break;
            case Assignment a:
                Assign(a);
                break;
            case IfStatement i:
                // bpftrace 0.17 reports an if's condition at its If node's location, never set: 1:1-1
                Condition(i.Condition, "if()", new SourceSpan(0, 0, 1, 1, 1));
                Block(i.Then);
                Block(i.Else);
                break;
            case WhileStatement w:
                Condition(w.Condition, null, w.Condition.Span);
                _loopDepth++;
                Block(w.Body);
                _loopDepth--;
                break;
            case UnrollStatement u:
                Visit(u.Count);
                if (ConstantValue(u.Count) is not { } n)
                    Error("unroll count must be an integer literal", u.Count.Span);
                else if (n < 1 || n > 100)
                    Error(n > 100 ? "unroll maximum value is 100" : "unroll minimum value is 1", u.Span);
                Block(u.Body);
                break;
            case JumpStatement j:
                if (j.Keyword is "break" or "continue" && _loopDepth == 0)
                    Error($"{j.Keyword} statement is not allowed outside of a loop", j.Span);
                break;
        }
    }

    private void Condition(Expr e, string? where, SourceSpan span)
    {
        var t = Visit(e);
        if (!t.IsInteger && t.Kind != TypeKind.Pointer && _final && t.Kind != TypeKind.None)
            Error(where is null ? $"Invalid condition: {t}" : $"Invalid condition in {where}: {TypeWord(t)}", span);
    }

    /// <summary>The value of an integer literal, a negated one or a positional parameter that is a number.</summary>
    public long? ConstantValue(Expr e) => e switch
    {
        IntegerLiteral i => (long)i.Value,
        Unary { Op: "-", Operand: IntegerLiteral i } => -(long)i.Value,
        Positional p when p.Index > 0 && p.Index <= _env.Positional.Count && long.TryParse(_env.Positional[p.Index - 1], out long v) => v,
        Positional { Index: 0 } => _env.Positional.Count,
        _ => null,
    };

    private void Assign(Assignment a)
    {
        _directCall = a.Value as Call;
        _directToMap = a.Target is MapAccess && a.CompoundOp is null;
        var valueType = Visit(a.Value);
        if (a.CompoundOp is not null)
        {
            var current = Visit(a.Target);
            if (current.IsInteger && valueType.IsInteger)
                SignWarnings(a.CompoundOp, a.Target, a.Value, current, valueType, a.OpSpan); // bpftrace desugars x op= y to x = x op y
            if (!current.IsInteger || !valueType.IsInteger)
            {
                if (current.Kind != TypeKind.None)
                    Error($"Type mismatch for {a.CompoundOp}=: '{current}' and '{valueType}'", a.Span);
            }
            valueType = current.IsInteger ? current : valueType;
        }
        if (valueType.Kind == TypeKind.None && a.Value is Call)
            return; // the call said why (CallType: "should not be used in an assignment")
        switch (a.Target)
        {
            case Variable v:
            {
                if (valueType.IsAggregation)
                {
                    Error($"Value '{a.Value}' cannot be assigned to a scratch variable.", a.Span);
                    return;
                }
                if (_variables.TryGetValue(v.Name, out var existing) && existing.Kind != TypeKind.None)
                {
                    if (existing.Kind == TypeKind.Tuple && valueType.Kind == TypeKind.Tuple)
                    {
                        if (WiderTuple(existing, valueType) is { } wider)
                            _variables[v.Name] = wider;
                        else
                            Error($"Tuple type mismatch: {existing} != {valueType}.", a.Span);
                    }
                    else if (!Compatible(existing, valueType))
                        Error($"Type mismatch for {v.Name}: trying to assign value of type '{valueType}' when variable already contains a value of type '{existing}'", a.Span);
                    else if (existing.Kind == TypeKind.String && valueType.Size > existing.Size)
                        _variables[v.Name] = valueType;
                }
                else
                {
                    var type = IntegerWidened(valueType);
                    // a tuple variable takes the widest strings of all its assignments (the first pass saw them
                    // all) from its first assignment on, so every read and write of it has one layout
                    if (type.Kind == TypeKind.Tuple && _firstPass is not null && _firstPass[_probeIndex].TryGetValue(v.Name, out var last) &&
                        WiderTuple(type, last) is { } widest)
                    {
                        type = widest;
                    }
                    _variables[v.Name] = type;
                }
                v.Type = _variables[v.Name];
                break;
            }
            case MapAccess m:
            {
                var info = MapFor(m, assigning: true);
                if (info.Value.Kind == TypeKind.Tuple && valueType.Kind == TypeKind.Tuple)
                {
                    // as a variable's: the widest strings of all its assignments (the map's type outlives a pass)
                    if (WiderTuple(info.Value, valueType) is { } wider)
                        info.Value = wider;
                    else
                        Error($"Tuple type mismatch: {info.Value} != {valueType}.", a.OpSpan);
                }
                else if (info.Value.Kind != TypeKind.None && !Compatible(info.Value, valueType))
                {
                    // bpftrace's message really lacks the closing quote.
                    Error($"Type mismatch for {m.Name}: trying to assign value of type '{valueType}' when map already contains a value of type '{info.Value}", m.Span);
                }
                else if (info.Value.Kind == TypeKind.None || (info.Value.Kind == TypeKind.String && valueType.Size > info.Value.Size))
                {
                    info.Value = IntegerWidened(valueType);
                }
                m.Type = info.Value;
                break;
            }
        }
    }

    // Scratch variables and map values of integer type hold 64 bits; smaller reads are widened.
    private static TraceType IntegerWidened(TraceType t) => t.IsInteger ? TraceType.Integer(8, t.IsSigned) : t;

    private static bool Compatible(TraceType a, TraceType b)
    {
        if (a.Kind != b.Kind)
            return false;
        return a.Kind switch
        {
            TypeKind.Integer or TypeKind.String or TypeKind.Pointer => true,
            TypeKind.Tuple => TupleCompatible(a, b),
            TypeKind.Lhist => a.LhistBounds == b.LhistBounds,
            _ => true,
        };
    }

    /// <summary>
    /// Two tuple types that differ at most in their strings' sizes (bpftrace 0.17 lets a tuple variable or map
    /// value be assigned tuples whose strings differ in size, and keeps each string whole): the tuple with each
    /// string the larger of the two; null when they differ otherwise.
    /// </summary>
    internal static TraceType? WiderTuple(TraceType a, TraceType b)
    {
        if (a.Kind != TypeKind.Tuple || b.Kind != TypeKind.Tuple || a.Elements.Count != b.Elements.Count)
            return null;
        var elements = new List<TraceType>(a.Elements.Count);
        for (int i = 0; i < a.Elements.Count; i++)
        {
            TraceType x = a.Elements[i], y = b.Elements[i];
            if (x.Kind == TypeKind.String && y.Kind == TypeKind.String)
                elements.Add(x.Size >= y.Size ? x : y);
            else if (x.Kind == TypeKind.Tuple && y.Kind == TypeKind.Tuple && WiderTuple(x, y) is { } inner)
                elements.Add(inner);
            else if (x.Kind != TypeKind.Tuple && Compatible(x, y))
                elements.Add(x);
            else
                return null;
        }
        var wider = TraceType.Tuple(elements);
        return wider.Equals(a) ? a : wider;
    }

    private static bool TupleCompatible(TraceType a, TraceType b)
    {
        if (a.Elements.Count != b.Elements.Count)
            return false;
        for (int i = 0; i < a.Elements.Count; i++)
        {
            if (!Compatible(a.Elements[i], b.Elements[i]) || (a.Elements[i].Kind == TypeKind.String && a.Elements[i].Size != b.Elements[i].Size))
                return false;
        }
        return true;
    }

    private MapInfo MapFor(MapAccess m, bool assigning)
    {
        if (!_maps.TryGetValue(m.Name, out var info))
        {
            info = new MapInfo { Name = m.Name };
            _maps[m.Name] = info;
        }
        var keyTypes = new List<TraceType>(m.Keys.Count);
        foreach (var k in m.Keys)
        {
            _directCall = k as Call;
            _directToMap = false;
            var t = Visit(k);
            if (t.Kind == TypeKind.None && k is Call)
            {
                keyTypes.Add(t);
                continue; // the call said why
            }
            if (t.Kind == TypeKind.Tuple)
            {
                Error("tuple cannot be used as a map key. Try a multi-key associative array instead (eg `@map[$1, $2] = ...)`.", m.Span);
                keyTypes.Add(t);
                continue;
            }
            if (t.Kind is TypeKind.Record or TypeKind.None || t.IsAggregation)
                Error($"{m.Name}: invalid map key type: {t}", k.Span);
            keyTypes.Add(t);
        }
        if (!info.KeyKnown)
        {
            if (assigning || _final)
            {
                info.KeyTypes = keyTypes;
                info.KeyKnown = assigning;
            }
        }
        else
        {
            bool same = info.KeyTypes.Count == keyTypes.Count;
            for (int i = 0; same && i < keyTypes.Count; i++)
                same = info.KeyTypes[i].Kind == keyTypes[i].Kind;
            if (!same)
            {
                Error($"Argument mismatch for {m.Name}: trying to access with arguments: [{KeyList(keyTypes)}] when map expects arguments: [{KeyList(info.KeyTypes)}]", m.Span);
            }
            else
            {
                var widened = new List<TraceType>(keyTypes.Count);
                for (int i = 0; i < keyTypes.Count; i++)
                    widened.Add(keyTypes[i].Kind == TypeKind.String && info.KeyTypes[i].Size > keyTypes[i].Size ? info.KeyTypes[i] : keyTypes[i]);
                if (widened.Count > 0 && !widened[0].Equals(info.KeyTypes[0]) && widened[0].Kind == TypeKind.String && widened[0].Size > info.KeyTypes[0].Size)
                    info.KeyTypes = widened;
            }
        }
        return info;
    }

    private static string KeyList(IReadOnlyList<TraceType> types)
    {
        var parts = new string[types.Count];
        for (int i = 0; i < types.Count; i++)
            parts[i] = types[i].IsInteger ? "unsigned int64" : types[i].ToString();
        return string.Join(", ", parts);
    }

    private TraceType Visit(Expr e)
    {
        var t = VisitCore(e);
        e.Type = t;
        return t;
    }

    private TraceType VisitCore(Expr e)
    {
        switch (e)
        {
            case IntegerLiteral:
                return TraceType.Int64;
            case StringLiteral s:
                return TraceType.String(System.Text.Encoding.UTF8.GetByteCount(s.Value) + 1);
            case Positional p:
                if (p.Index == 0)
                    return TraceType.Int64;
                if (p.Index > _env.Positional.Count)
                    return TraceType.Int64; // bpftrace: a missing positional parameter is 0 / ""
                return long.TryParse(_env.Positional[p.Index - 1], out _) ? TraceType.Int64 : TraceType.String(StringSize);
            case Variable v:
                if (_variables.TryGetValue(v.Name, out var vt))
                    return vt;
                Error($"Undefined or undeclared variable: {v.Name}", v.Span);
                return TraceType.None;
            case MapAccess m:
            {
                if (!_maps.TryGetValue(m.Name, out var info) || info.Value.Kind == TypeKind.None)
                {
                    foreach (var k in m.Keys)
                        Visit(k);
                    if (_final)
                        Error($"Undefined map: {m.Name}", m.Span);
                    return TraceType.None;
                }
                MapFor(m, assigning: false);
                return info.Value.IsAggregation ? (info.Value.Kind is TypeKind.Hist or TypeKind.Lhist or TypeKind.Stats ? info.Value : TraceType.Int64) : info.Value;
            }
            case Builtin b:
                return BuiltinType(b);
            case Call c:
                return CallType(c);
            case Binary b:
                return BinaryType(b);
            case Unary u:
            {
                var t = Visit(u.Operand);
                switch (u.Op)
                {
                    case "!":
                    case "~":
                    case "-":
                        if (!t.IsInteger && t.Kind != TypeKind.None && !(u.Op == "!" && t.Kind == TypeKind.Pointer))
                            Error($"The {u.Op} operator can not be used on expressions of type '{t}'", u.OpSpan);
                        // bpftrace's Unop visit: '!' gives an unsigned integer of the operand's width, '-' and '~' 64 bits of its sign
                        if (u.Op == "!")
                            return TraceType.Integer(t.IsInteger ? t.Size : 8, false);
                        return u.Operand is IntegerLiteral ? TraceType.Int64 : TraceType.Integer(8, t.IsSigned);
                    case "*":
                        if (t.Kind != TypeKind.Pointer)
                        {
                            if (t.IsInteger)
                                return TraceType.Int64;
                            Error($"Can not dereference type '{t}'", u.Span);
                            return TraceType.None;
                        }
                        return t.Element is { Kind: TypeKind.Integer } el ? el : t.Element ?? TraceType.UInt64;
                    default:
                        Error($"The {u.Op} operator is not supported", u.Span);
                        return TraceType.None;
                }
            }
            case IncDec i:
            {
                if (i.Target is not (Variable or MapAccess))
                {
                    Error("The ++ and -- operators must be applied to a map or variable", i.Span);
                    return TraceType.None;
                }
                if (i.Target is Variable v2 && !_variables.ContainsKey(v2.Name))
                {
                    Error($"Undefined or undeclared variable: {v2.Name}", v2.Span);
                    return TraceType.None;
                }
                if (i.Target is MapAccess m2)
                {
                    var info = MapFor(m2, assigning: true);
                    if (info.Value.Kind == TypeKind.None)
                        info.Value = TraceType.Int64;
                    m2.Type = info.Value;
                    return info.Value;
                }
                return Visit(i.Target);
            }
            case Ternary t:
            {
                Condition(t.Condition, "ternary", t.Span);
                var a = Visit(t.WhenTrue);
                var b = Visit(t.WhenFalse);
                if (a.Kind != b.Kind && a.Kind != TypeKind.None && b.Kind != TypeKind.None)
                    Error($"Ternary operator must return the same type: have '{TypeWord(a)}' and '{TypeWord(b)}'", t.Span);
                if (a.Kind == TypeKind.String)
                    return TraceType.String(Math.Max(a.Size, b.Size));
                return a.IsInteger ? TraceType.Integer(8, a.IsSigned && b.IsSigned) : a;
            }
            case FieldAccess f:
                return FieldType(f);
            case IndexAccess ix:
            {
                var t = Visit(ix.Target);
                var it = Visit(ix.Index);
                if (!it.IsInteger)
                    Error("The array index operator [] must be given an integer", ix.Index.Span);
                if (t.Kind == TypeKind.Pointer)
                    return t.Element is { } el && el.Kind is TypeKind.Integer or TypeKind.Record or TypeKind.Pointer ? el : TraceType.UInt64;
                if (t.Kind == TypeKind.Array)
                    return t.Element!;
                if (t.Kind != TypeKind.None)
                    Error($"The array index operator [] can only be used on arrays and pointers, found {TypeWord(t)}.", ix.Span);
                return TraceType.None;
            }
            case Cast c:
                return CastType(c);
            case TupleExpr tu:
            {
                var elements = new List<TraceType>();
                foreach (var el in tu.Elements)
                {
                    var t = Visit(el);
                    if (t.IsAggregation || t.Kind == TypeKind.None)
                        Error($"Invalid tuple element type: {t}", el.Span);
                    elements.Add(t.IsInteger ? TraceType.Integer(8, t.IsSigned) : t);
                }
                return TraceType.Tuple(elements);
            }
            default:
                return TraceType.None;
        }
    }
}
