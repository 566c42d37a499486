namespace SharpBpf.Trace.Semantics;

/// <summary>A script map (<c>@name</c>) after semantic analysis: its key and value types.</summary>
public sealed class MapInfo
{
    /// <summary>The name with its <c>@</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The key's element types (empty: a scalar map).</summary>
    public IReadOnlyList<TraceType> KeyTypes { get; set; } = [];

    /// <summary>The value type (an aggregation kind, an integer, a string, ...).</summary>
    public TraceType Value { get; set; } = TraceType.None;

    /// <summary>True once an assignment or aggregation fixed the key types.</summary>
    public bool KeyKnown { get; set; }

    /// <summary>The key as stored: one 8-byte slot for a scalar map, else the elements laid out as a tuple.</summary>
    public TraceType StoredKey => KeyTypes.Count == 0 ? TraceType.UInt64 : KeyTypes.Count == 1 ? Widen(KeyTypes[0]) : TraceType.Tuple(Widened());

    /// <summary>The byte size of the stored key (hist/lhist add an 8-byte bucket index after it).</summary>
    public int KeySize => StoredKey.Size + (Value.Kind is TypeKind.Hist or TypeKind.Lhist ? 8 : 0);

    private List<TraceType> Widened()
    {
        var list = new List<TraceType>(KeyTypes.Count);
        foreach (var k in KeyTypes)
            list.Add(Widen(k));
        return list;
    }

    // Integer keys are stored as 8 bytes whatever their size, as bpftrace does.
    private static TraceType Widen(TraceType t) => t.IsInteger ? TraceType.Integer(8, t.IsSigned) : t;
}
