using System.Globalization;
using System.Text;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.Output;

/// <summary>
/// Diagnostics as bpftrace 0.17 prints them (log.cpp's log_with_location):
/// <c>stdin:1:16-18: ERROR: message</c>, then the source line (tabs as four spaces) and a <c>~</c>
/// underline from the start column to before the end column; a span over several lines prints only
/// <c>stdin:1-2: ERROR: message</c>. The file name is <c>stdin</c> for <c>-e</c>, else the script path as given.
/// </summary>
public static class ErrorFormatter
{
    /// <summary>bpftrace's name for a program given with -e.</summary>
    public const string Stdin = "stdin";

    /// <summary>A message with no location: <c>ERROR: message</c>.</summary>
    public static string Format(string message, string severity = "ERROR") => severity + ": " + TrimNewline(message) + "\n";

    /// <summary>A message at <paramref name="span"/> of <paramref name="source"/> (the end line found from the span's offsets).</summary>
    public static string Format(string fileName, string source, SourceSpan span, string message, string severity = "ERROR")
    {
        int endLine = span.Line;
        for (int i = Math.Max(0, span.Start); i < span.End && i < source.Length; i++)
        {
            if (source[i] == '\n' && i + 1 < span.End)
                endLine++;
        }
        return Format(fileName, source, span.Line, span.Column, endLine, span.EndColumn, message, severity);
    }

    /// <summary>A message at lines/columns (1-based; <paramref name="endColumn"/> one past the last character).</summary>
    public static string Format(string fileName, string source, int line, int column, int endLine, int endColumn, string message, string severity = "ERROR")
    {
        var sb = new StringBuilder();
        if (fileName.Length > 0)
            sb.Append(fileName).Append(':');
        message = TrimNewline(message);
        if (line < endLine)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{line}-{endLine}: {severity}: {message}\n");
            return sb.ToString();
        }
        sb.Append(CultureInfo.InvariantCulture, $"{line}:{column}-{endColumn}: {severity}: {message}\n");
        string src = SourceLine(source, line - 1);
        if (src.Length == 0)
            return sb.ToString();
        foreach (var c in src)
        {
            if (c == '\t')
                sb.Append("    ");
            else
                sb.Append(c);
        }
        sb.Append('\n');
        for (int x = 0; x < src.Length && x < endColumn - 1; x++)
        {
            char marker = x < column - 1 ? ' ' : '~';
            if (src[x] == '\t')
                sb.Append(marker, 4);
            else
                sb.Append(marker);
        }
        sb.Append('\n');
        return sb.ToString();
    }

    private static string TrimNewline(string message) => message.EndsWith('\n') ? message[..^1] : message;

    // Log::get_source_line: the Nth line (0-based) by getline, "" when there is none.
    private static string SourceLine(string source, int n)
    {
        int start = 0;
        for (int i = 0; i < n; i++)
        {
            int nl = source.IndexOf('\n', start);
            if (nl < 0)
                return "";
            start = nl + 1;
        }
        if (start >= source.Length)
            return "";
        int end = source.IndexOf('\n', start);
        return end < 0 ? source[start..] : source[start..end];
    }
}
