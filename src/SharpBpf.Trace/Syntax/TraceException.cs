namespace SharpBpf.Trace.Syntax;

/// <summary>A script error (syntax, semantic or attach) with the span bpftrace would underline.</summary>
public sealed class TraceException : Exception
{
    /// <summary>Creates an error at <paramref name="span"/> (null: no location, bpftrace's bare <c>ERROR: ...</c>).</summary>
    public TraceException(string message, SourceSpan? span = null) : base(message) => Span = span;

    /// <summary>Where, or null.</summary>
    public SourceSpan? Span { get; }
}
