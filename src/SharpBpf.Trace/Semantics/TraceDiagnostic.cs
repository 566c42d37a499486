using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.Semantics;

/// <summary>An error or warning about a script, with the span bpftrace underlines.</summary>
public sealed record TraceDiagnostic(string Message, SourceSpan? Span, bool IsWarning = false);

/// <summary>Compilation failed; the diagnostics say why, in order.</summary>
public sealed class TraceCompileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TraceCompileException(IReadOnlyList<TraceDiagnostic> diagnostics)
        : base(diagnostics.Count > 0 ? diagnostics[0].Message : "compilation failed") => Diagnostics = diagnostics;

    /// <summary>What went wrong.</summary>
    public IReadOnlyList<TraceDiagnostic> Diagnostics { get; }
}
