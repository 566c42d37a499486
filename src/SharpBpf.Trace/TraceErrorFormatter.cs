using System.Text;
using SharpBpf.Trace.Output;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace;

/// <summary>
/// Prints a compilation's diagnostics as bpftrace 0.17 does (<see cref="ErrorFormatter"/>:
/// <c>stdin:1:16-18: ERROR: message</c>, the source line and a <c>~</c> underline).
/// </summary>
public static class TraceErrorFormatter
{
    /// <summary>Formats every diagnostic; <paramref name="file"/> is <c>stdin</c> for -e scripts, else the script's path.</summary>
    public static string Format(IReadOnlyList<TraceDiagnostic> diagnostics, string source, string file = ErrorFormatter.Stdin)
    {
        var sb = new StringBuilder();
        foreach (var d in diagnostics)
        {
            string severity = d.IsWarning ? "WARNING" : "ERROR";
            sb.Append(d.Span is { } span ? ErrorFormatter.Format(file, source, span, d.Message, severity) : ErrorFormatter.Format(d.Message, severity));
        }
        return sb.ToString();
    }
}
