namespace SharpBpf.Trace.Syntax;

/// <summary>
/// A range of script text: 1-based line and column of its start, the column one past its end (on the
/// start line, as bpftrace prints <c>stdin:1:16-18</c>) and the character offsets.
/// </summary>
public readonly record struct SourceSpan(int Start, int End, int Line, int Column, int EndColumn)
{
    /// <summary>A span covering this one and <paramref name="other"/> (which must start later).</summary>
    public SourceSpan To(SourceSpan other) =>
        other.Line == Line ? new(Start, other.End, Line, Column, other.EndColumn) : new(Start, other.End, Line, Column, Column + (End - Start));
}
