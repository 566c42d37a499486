using SharpBpf.Trace.Probes;

namespace SharpBpf.Trace.Semantics;

/// <summary>The script type of a tracepoint field: char arrays are strings, pointers are user pointers (what syscall tracepoints carry), the rest integers.</summary>
public static class TracepointTypes
{
    /// <summary>The type <c>args-&gt;FIELD</c> has.</summary>
    public static TraceType Of(TracepointField field)
    {
        string t = field.TypeName.Trim();
        if (field.IsDataLoc)
            return TraceType.Integer(4, false);
        if (field.ArrayLength > 0)
        {
            if (t is "char" or "const char" or "unsigned char" or "u8")
                return TraceType.String(field.Size);
            int element = field.Size / field.ArrayLength;
            return TraceType.ArrayOf(TraceType.Integer(element is 1 or 2 or 4 or 8 ? element : 1, field.IsSigned), field.ArrayLength);
        }
        if (field.IsPointer)
        {
            string pointee = t.TrimEnd('*').Trim();
            if (pointee.StartsWith("const ", StringComparison.Ordinal))
                pointee = pointee[6..];
            TraceType? element = pointee is "char" or "unsigned char" ? TraceType.Integer(1, false)
                : pointee.StartsWith("struct ", StringComparison.Ordinal) ? TraceType.Record(pointee, 0, 0) : null;
            return TraceType.Pointer(element, user: true);
        }
        string adjusted = field.AdjustedTypeName;
        bool signed = adjusted == "s64" || (adjusted != "u64" && field.IsSigned);
        return TraceType.Integer(field.Size is 1 or 2 or 4 or 8 ? field.Size : 8, signed);
    }
}
