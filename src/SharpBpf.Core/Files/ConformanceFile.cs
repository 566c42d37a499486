using System.Globalization;
using SharpBpf.Core.Diagnostics;

namespace SharpBpf.Core.Files;

/// <summary>
/// A bpf_conformance <c>.data</c> test: sections <c>-- asm</c>, <c>-- raw</c>, <c>-- mem</c>,
/// <c>-- result</c>, <c>-- error</c>, parsed as the upstream parser does (bpf_test_parser.cc, see
/// the conformance README): comments from <c>#</c>, directives matched by substring, unknown
/// directives make the file skipped.
/// </summary>
public sealed class ConformanceFile
{
    /// <summary>The <c>-- asm</c> lines, or null.</summary>
    public string? Asm { get; private init; }

    /// <summary>The 1-based line of the first <c>-- asm</c> line (for diagnostics).</summary>
    public int AsmFirstLine { get; private init; }

    /// <summary>The <c>-- raw</c> bytes, or null. Used instead of <see cref="Asm"/> when present.</summary>
    public byte[]? Raw { get; private init; }

    /// <summary>The <c>-- mem</c> bytes, or null.</summary>
    public byte[]? Memory { get; private init; }

    /// <summary>The expected r0, or null.</summary>
    public ulong? Result { get; private init; }

    /// <summary>The expected error text, or null when there is no <c>-- error</c> section.</summary>
    public string? Error { get; private init; }

    /// <summary>Why the upstream runner would skip this file, or null.</summary>
    public string? SkipReason { get; private init; }

    /// <summary>
    /// True for the <c>negative/unused-*</c> convention: an empty <c>-- error</c> section, meaning
    /// the program must be rejected when loaded.
    /// </summary>
    public bool ExpectsRejection => Error is { Length: 0 } && Result is null;

    /// <summary>Parses a file's text; throws <see cref="BpfFormatException"/> on malformed sections.</summary>
    public static ConformanceFile Parse(string text, string? file = null)
    {
        var sections = new Dictionary<string, List<(string Line, int No)>>();
        string? current = null;
        string? skip = null;
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            int hash = line.IndexOf('#');
            if (hash >= 0)
                line = line[..hash];
            if (line.Contains("--", StringComparison.Ordinal))
            {
                current = line.Contains("asm", StringComparison.Ordinal) ? "asm"
                    : line.Contains("result", StringComparison.Ordinal) ? "result"
                    : line.Contains("mem", StringComparison.Ordinal) ? "mem"
                    : line.Contains("raw", StringComparison.Ordinal) ? "raw"
                    : line.Contains("no register offset", StringComparison.Ordinal) ? "ignored"
                    : line.Contains(" c", StringComparison.Ordinal) ? "ignored"
                    : line.Contains("error", StringComparison.Ordinal) ? "error"
                    : null;
                if (current is null)
                {
                    skip ??= $"unknown directive '{line.Trim()}' at line {i + 1}";
                    current = "ignored";
                }
                if (!sections.ContainsKey(current))
                    sections[current] = [];
                continue;
            }
            if (current is null || string.IsNullOrWhiteSpace(line))
                continue;
            sections[current].Add((line, i + 1));
        }

        string? asm = null;
        int asmLine = 0;
        if (sections.TryGetValue("asm", out var asmLines) && asmLines.Count > 0)
        {
            asmLine = asmLines[0].No;
            // Keep line numbers of the file in diagnostics: pad with empty lines.
            var sb = new System.Text.StringBuilder();
            int at = 1;
            foreach (var (l, no) in asmLines)
            {
                while (at < no) { sb.Append('\n'); at++; }
                sb.Append(l);
            }
            asm = sb.ToString();
        }

        byte[]? raw = sections.TryGetValue("raw", out var rawLines) && rawLines.Count > 0 ? ParseRaw(rawLines, file) : null;
        byte[]? mem = sections.TryGetValue("mem", out var memLines) ? ParseBytes(memLines, file, "mem") : null;
        ulong? result = sections.TryGetValue("result", out var resLines) && resLines.Count > 0 ? ParseResult(resLines[^1], file) : null;
        string? error = sections.TryGetValue("error", out var errLines)
            ? string.Join("\n", errLines.Select(e => e.Line.TrimEnd())) : null;

        bool hasCode = raw is { Length: > 0 } || asm is not null;
        if (skip is null && !hasCode)
            skip = "no instructions";
        if (skip is null && result is null && error is null)
            skip = "no result or error section";
        return new ConformanceFile
        {
            Asm = asm, AsmFirstLine = asmLine, Raw = raw, Memory = mem, Result = result, Error = error, SkipReason = skip,
        };
    }

    private static byte[] ParseRaw(List<(string Line, int No)> lines, string? file)
    {
        var tokens = new List<(string Tok, int No)>();
        foreach (var (l, no) in lines)
        {
            foreach (var t in l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                tokens.Add((t, no));
        }
        // negative/unused-*: 8 byte tokens per instruction ("07 00 01 00 01 00 00 00").
        bool bytes = tokens.Count % 8 == 0 && tokens.All(t => t.Tok.Length == 2 && char.IsAsciiHexDigit(t.Tok[0]) && char.IsAsciiHexDigit(t.Tok[1]));
        if (bytes)
            return ParseBytes(lines, file, "raw");
        var output = new byte[tokens.Count * 8];
        for (int i = 0; i < tokens.Count; i++)
        {
            var (t, no) = tokens[i];
            ulong word;
            bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out word)
                : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out word);
            if (!ok)
                throw Bad($"invalid instruction word '{t}' in -- raw", no, file);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(output.AsSpan(i * 8), word);
        }
        return output;
    }

    private static byte[] ParseBytes(List<(string Line, int No)> lines, string? file, string section)
    {
        var output = new List<byte>();
        foreach (var (l, no) in lines)
        {
            foreach (var t in l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!byte.TryParse(t, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
                    throw Bad($"invalid byte '{t}' in -- {section}", no, file);
                output.Add(b);
            }
        }
        return [.. output];
    }

    private static ulong ParseResult((string Line, int No) line, string? file)
    {
        var t = line.Line.Trim();
        int x = t.IndexOf("0x", StringComparison.OrdinalIgnoreCase);
        if (x >= 0 && ulong.TryParse(t.AsSpan(x + 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex))
            return hex;
        if (ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong dec))
            return dec;
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long sdec))
            return (ulong)sdec;
        throw Bad($"invalid result '{t}'", line.No, file);
    }

    private static BpfFormatException Bad(string message, int line, string? file) =>
        new(new Diagnostic(DiagnosticIds.FileFormat, message, SourceLocation.AtLine(line, 0, file)));
}
