using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.Semantics;

// Operators, field access and casts: the types they give, and bpftrace's errors and warnings about them.
public sealed partial class SemanticAnalyzer
{
    /// <summary>
    /// The aggregation a map read yields (count, sum, min, max, avg), or null. We read its folded value
    /// as an integer; bpftrace keeps the aggregation's type, which neither arithmetic, comparison nor
    /// printf's integer specifiers take.
    /// </summary>
    private string? AggregationRead(Expr e) =>
        e is MapAccess m && _maps.TryGetValue(m.Name, out var info) && info.Value.Kind is TypeKind.Count or TypeKind.Sum or TypeKind.Min or TypeKind.Max or TypeKind.Avg
            ? info.Value.ToString() : null;

    private TraceType BinaryType(Binary b)
    {
        var l = Visit(b.Left);
        var r = Visit(b.Right);
        if (l.Kind == TypeKind.None || r.Kind == TypeKind.None)
            return TraceType.Int64;
        string? la = AggregationRead(b.Left), ra = AggregationRead(b.Right);
        if (la is not null || ra is not null)
        {
            Error($"Type mismatch for '{b.Op}': comparing '{la ?? l.ToString()}' with '{ra ?? r.ToString()}'", b.Span);
            return TraceType.Int64;
        }
        bool comparison = b.Op is "==" or "!=" or "<" or ">" or "<=" or ">=";
        if (l.Kind == TypeKind.String || r.Kind == TypeKind.String)
        {
            if (l.Kind != r.Kind)
            {
                Error($"Type mismatch for '{b.Op}': comparing '{l}' with '{r}'", b.Span);
                return TraceType.Int64;
            }
            if (b.Op is not ("==" or "!="))
                Error($"The {b.Op} operator can not be used on expressions of types {l}, {r}", b.OpSpan);
            return TraceType.UInt64;
        }
        bool lInt = l.IsInteger || l.Kind == TypeKind.Pointer, rInt = r.IsInteger || r.Kind == TypeKind.Pointer;
        if (!lInt || !rInt)
        {
            if (comparison)
                Error($"Type mismatch for '{b.Op}': comparing '{l}' with '{r}'", b.Span);
            else
                Error($"The {b.Op} operator can not be used on expressions of types {l}, {r}", b.Span);
            return TraceType.Int64;
        }
        if (l.IsInteger && r.IsInteger)
            SignWarnings(b.Op, b.Left, b.Right, l, r, b.OpSpan);
        if (comparison || b.Op is "&&" or "||")
            return TraceType.UInt64;
        if (l.Kind == TypeKind.Pointer && b.Op is "+" or "-" && r.IsInteger)
            return l;
        return TraceType.Integer(8, l.IsSigned && r.IsSigned || (l.IsSigned && b.Right is IntegerLiteral) || (r.IsSigned && b.Left is IntegerLiteral));
    }

    /// <summary>
    /// bpftrace's binop_int warnings: operands of different signs (a non-negative literal counts as
    /// unsigned), and signed operands of '/' and '%' (the BPF ISA of 0.17's era had no signed division).
    /// </summary>
    private void SignWarnings(string op, Expr left, Expr right, TraceType l, TraceType r, SourceSpan span)
    {
        bool lsign = l.IsSigned, rsign = r.IsSigned;
        bool lLiteral = left is IntegerLiteral, rLiteral = right is IntegerLiteral;
        if (lsign != rsign)
        {
            if (lsign && lLiteral)
                lsign = false;
            else if (rsign && rLiteral)
                rsign = false;
            else if (op is "==" or "!=" or "<=" or ">=" or "<" or ">")
                Warning($"comparison of integers of different signs: '{l}' and '{r}' can lead to undefined behavior", span);
            else if (op is "+" or "-" or "*" or "/" or "%")
                Warning($"arithmetic on integers of different signs: '{l}' and '{r}' can lead to undefined behavior", span);
        }
        if (op is "/" or "%")
        {
            if (lsign && lLiteral)
                lsign = false;
            if (rsign && rLiteral)
                rsign = false;
            if (lsign || rsign)
                Warning($"signed operands for '{op}' can lead to undefined behavior (cast to unsigned to silence warning)", span);
        }
    }

    private TraceType FieldType(FieldAccess f)
    {
        var t = Visit(f.Target);
        if (t.Kind == TypeKind.None)
            return TraceType.None;
        if (t.Kind == TypeKind.Tuple)
        {
            if (!int.TryParse(f.Field, out int index) || index < 0 || index >= t.Elements.Count)
            {
                Error($"Invalid tuple index: {f.Field}. Found {t.Elements.Count} elements in tuple.", f.Span);
                return TraceType.None;
            }
            return t.Elements[index];
        }
        if (t.Kind == TypeKind.Pointer && t.IsContext)
        {
            if (_kind != ProbeKind.Tracepoint)
                return TraceType.UInt64;
            var ap = _attach;
            var fields = ap.Parts.Count == 2 ? _env.TracepointFields(ap.Parts[0], ap.Parts[1]) : null;
            if (fields is null)
                return TraceType.None;
            foreach (var field in fields)
            {
                if (field.Name == f.Field)
                    return TracepointTypes.Of(field);
            }
            Error($"Struct/union of type 'struct _tracepoint_{ap.Parts[0]}_{ap.Parts[1]}' does not contain a field named '{f.Field}'", f.Span);
            return TraceType.None;
        }
        TraceType record;
        if (t.Kind == TypeKind.Pointer)
        {
            if (!f.Arrow)
            {
                Error($"Can not access field '{f.Field}' on type '{t}'. Try dereferencing it first, or using '->'", f.Span);
                return TraceType.None;
            }
            if (t.Element is not { Kind: TypeKind.Record } el)
            {
                Error($"Can not access field '{f.Field}' on expression of type '{t}'", f.Span);
                return TraceType.None;
            }
            record = el;
        }
        else if (t.Kind == TypeKind.Record)
        {
            if (f.Arrow)
            {
                Error($"Can not access field '{f.Field}' on type '{t}'. Try accessing it directly with '.'", f.Span);
                return TraceType.None;
            }
            record = t;
        }
        else
        {
            Error($"Can not access field '{f.Field}' on expression of type '{t}'", f.Span);
            return TraceType.None;
        }
        if (record.BtfId == 0 && record.StructName is { } sn && _env.Types.Struct(sn) is { } resolved)
            record = resolved;
        if (!_env.Types.TryField(record, f.Field, out _, out var ft))
        {
            Error($"Struct/union of type '{record.StructName}' does not contain a field named '{f.Field}'", f.Span);
            return TraceType.None;
        }
        return ft;
    }

    private TraceType CastType(Cast c)
    {
        var t = Visit(c.Operand);
        if (c.TypeName.StartsWith("struct ", StringComparison.Ordinal) || c.TypeName.StartsWith("union ", StringComparison.Ordinal))
        {
            var record = _env.Types.Struct(c.TypeName);
            if (record is null)
            {
                Error($"Unknown struct/union: '{c.TypeName}'", c.Span);
                return TraceType.None;
            }
            if (c.PointerDepth == 0)
            {
                Error($"Cannot cast to \"{c.TypeName}\"", c.Span);
                return TraceType.None;
            }
            return TraceType.Pointer(record, user: t.IsUser);
        }
        var target = IntegerCast(c.TypeName);
        if (target is null)
        {
            Error($"Cannot resolve unknown type \"{c.TypeName}\"", c.Span);
            return TraceType.None;
        }
        if (c.PointerDepth > 0)
            return TraceType.Pointer(target, user: t.IsUser);
        if (!t.IsInteger && t.Kind != TypeKind.Pointer && t.Kind != TypeKind.None)
            Error($"Cannot cast from \"{t}\" to \"{target}\"", c.Span);
        return target;
    }

    /// <summary>The integer type a cast names (<c>uint8</c>, <c>unsigned int</c>, <c>long</c>), or null.</summary>
    public static TraceType? IntegerCast(string name) => name switch
    {
        "int8" or "s8" or "char" or "signed char" => TraceType.Integer(1, true),
        "uint8" or "u8" or "unsigned char" or "bool" => TraceType.Integer(1, false),
        "int16" or "s16" or "short" => TraceType.Integer(2, true),
        "uint16" or "u16" or "unsigned short" => TraceType.Integer(2, false),
        "int32" or "s32" or "int" or "signed" or "signed int" => TraceType.Integer(4, true),
        "uint32" or "u32" or "unsigned" or "unsigned int" => TraceType.Integer(4, false),
        "int64" or "s64" or "long" or "long long" or "signed long" => TraceType.Int64,
        "uint64" or "u64" or "unsigned long" or "unsigned long long" => TraceType.UInt64,
        "void" => TraceType.Integer(1, false),
        _ => null,
    };
}
