using System.Globalization;
using System.Text;

namespace SharpBpf.Trace.Output;

/// <summary>
/// printf() as bpftrace 0.17 formats it (format_string.cpp): the format is cut after each conversion
/// (<c>%-?[0-9]*(\.[0-9]+)?</c>, a length <c>hh h l ll j z t</c>, one of <c>d u o x X p c s r rx</c>),
/// each piece goes through C's snprintf with its one argument, and whatever follows the last
/// conversion is copied as is (so a trailing <c>%%</c> stays <c>%%</c>).
/// </summary>
public sealed class PrintfFormatter
{
    private readonly List<Piece> _pieces = [];
    private readonly string _tail;

    /// <summary>Splits <paramref name="format"/> (escapes already resolved by the lexer).</summary>
    public PrintfFormatter(string format)
    {
        Format = format;
        int last = 0;
        int i = 0;
        while (i < format.Length)
        {
            if (format[i] == '%' && TryMatch(format, i, out var spec, out int end))
            {
                _pieces.Add(new Piece(format[last..i], spec));
                last = end;
                i = end;
            }
            else
                i++;
        }
        _tail = format[last..];
    }

    /// <summary>The format string.</summary>
    public string Format { get; }

    /// <summary>How many arguments the format takes.</summary>
    public int ArgumentCount => _pieces.Count;

    /// <summary>The conversions in order, as written without the leading flags (<c>d</c>, <c>lu</c>, <c>s</c>, <c>rx</c>).</summary>
    public IEnumerable<string> Conversions => _pieces.Select(p => p.Spec.Length + p.Spec.Conversion);

    /// <summary>
    /// What the semantic pass reports for a count mismatch, as bpftrace words it, or null when the counts agree:
    /// <c>printf: Too many arguments for format string (6 supplied, 4 expected)</c>.
    /// </summary>
    public string? CheckArgumentCount(int supplied, string function = "printf") =>
        supplied < ArgumentCount ? $"{function}: Not enough arguments for format string ({supplied} supplied, {ArgumentCount} expected)"
        : supplied > ArgumentCount ? $"{function}: Too many arguments for format string ({supplied} supplied, {ArgumentCount} expected)"
        : null;

    /// <summary>The formatted text.</summary>
    public string Render(IReadOnlyList<PrintfArgument> args)
    {
        var sb = new StringBuilder();
        int n = Math.Min(args.Count, _pieces.Count);
        for (int i = 0; i < n; i++)
        {
            var p = _pieces[i];
            AppendLiteral(sb, p.Literal);
            AppendConversion(sb, p.Spec, args[i]);
        }
        if (n < _pieces.Count)
        {
            // fewer arguments than conversions: bpftrace prints the next piece raw (the semantic pass rejects this)
            sb.Append(_pieces[n].Literal).Append(_pieces[n].Spec.Text);
            for (int i = n + 1; i < _pieces.Count; i++)
                sb.Append(_pieces[i].Literal).Append(_pieces[i].Spec.Text);
        }
        sb.Append(_tail);
        return sb.ToString();
    }

    /// <summary>Formats one format string with its arguments.</summary>
    public static string Render(string format, params PrintfArgument[] args) => new PrintfFormatter(format).Render(args);

    // snprintf's handling of the literal text before a conversion: %% becomes %.
    private static void AppendLiteral(StringBuilder sb, string literal)
    {
        for (int i = 0; i < literal.Length; i++)
        {
            if (literal[i] == '%' && i + 1 < literal.Length && literal[i + 1] == '%')
                i++;
            sb.Append(literal[i]);
        }
    }

    private static void AppendConversion(StringBuilder sb, Spec spec, PrintfArgument arg)
    {
        string body;
        bool numeric = true;
        long v = arg.Integer;
        switch (spec.Conversion)
        {
            case "s":
                body = arg.ToString();
                if (spec.Precision >= 0 && body.Length > spec.Precision)
                    body = body[..spec.Precision];
                numeric = false;
                break;
            case "r":
            case "rx":
                body = arg.Buffer is { } buf ? TraceValueFormatter.Buffer(buf, keepAscii: spec.Conversion == "r") : arg.ToString();
                if (spec.Precision >= 0 && body.Length > spec.Precision)
                    body = body[..spec.Precision];
                numeric = false;
                break;
            case "c":
                body = ((char)(byte)v).ToString();
                numeric = false;
                break;
            case "p":
                // glibc: (nil) for null, else %#lx
                body = v == 0 ? "(nil)" : "0x" + ((ulong)v).ToString("x", CultureInfo.InvariantCulture);
                numeric = false;
                break;
            default:
            {
                bool signed = spec.Conversion is "d" or "i";
                // C varargs: without l/ll/j/z/t the callee reads an int; h and hh narrow further.
                ulong u = spec.Length switch
                {
                    "hh" => signed ? (ulong)(long)(sbyte)v : (byte)v,
                    "h" => signed ? (ulong)(long)(short)v : (ushort)v,
                    "" => signed ? (ulong)(long)(int)v : (uint)v,
                    _ => (ulong)v,
                };
                string digits;
                bool negative = false;
                if (signed && (long)u < 0)
                {
                    negative = true;
                    digits = ((long)u).ToString(CultureInfo.InvariantCulture)[1..];
                }
                else
                {
                    digits = spec.Conversion switch
                    {
                        "x" => u.ToString("x", CultureInfo.InvariantCulture),
                        "X" => u.ToString("X", CultureInfo.InvariantCulture),
                        "o" => Convert.ToString((long)u, 8),
                        _ => u.ToString(CultureInfo.InvariantCulture),
                    };
                }
                if (spec.Precision >= 0)
                {
                    if (spec.Precision == 0 && u == 0)
                        digits = "";
                    digits = digits.PadLeft(spec.Precision, '0');
                }
                string sign = negative ? "-" : "";
                if (spec.ZeroPad && !spec.LeftAlign && spec.Precision < 0 && spec.Width > 0)
                    digits = digits.PadLeft(spec.Width - sign.Length, '0');
                body = sign + digits;
                break;
            }
        }
        _ = numeric;
        if (spec.Width > body.Length)
            body = spec.LeftAlign ? body.PadRight(spec.Width) : body.PadLeft(spec.Width);
        sb.Append(body);
    }

    // bpftrace's format_specifier_re, tried at a '%': an optional '-', digits, an optional '.digits',
    // then a length and a conversion from printf_format_types.
    private static bool TryMatch(string s, int start, out Spec spec, out int end)
    {
        spec = default;
        end = start;
        int i = start + 1;
        bool left = false;
        if (i < s.Length && s[i] == '-')
        {
            left = true;
            i++;
        }
        int digitsStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
            i++;
        string widthText = s[digitsStart..i];
        int precision = -1;
        if (i + 1 < s.Length && s[i] == '.' && char.IsAsciiDigit(s[i + 1]))
        {
            int p = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
                i++;
            precision = int.Parse(s.AsSpan(p, i - p), CultureInfo.InvariantCulture);
        }
        string length = "";
        foreach (var l in (string[])["hh", "h", "ll", "l", "j", "z", "t"])
        {
            if (string.CompareOrdinal(s, i, l, 0, l.Length) == 0)
            {
                length = l;
                break;
            }
        }
        int c = i + length.Length;
        string? conversion = null;
        if (c < s.Length)
        {
            if (length == "" && s[c] == 'r')
                conversion = c + 1 < s.Length && s[c + 1] == 'x' ? "rx" : "r";
            else if (length == "" && s[c] is 's' or 'c')
                conversion = s[c].ToString();
            else if (s[c] is 'd' or 'u' or 'o' or 'x' or 'X' or 'p')
                conversion = s[c].ToString();
        }
        if (conversion is null)
        {
            // a length that is not followed by a conversion might still be a plain one ("%l" is not)
            return false;
        }
        end = c + conversion.Length;
        spec = new Spec(s[start..end], left, widthText.StartsWith('0'), widthText.Length > 0 ? int.Parse(widthText, CultureInfo.InvariantCulture) : 0, precision, length, conversion);
        return true;
    }

    private readonly record struct Spec(string Text, bool LeftAlign, bool ZeroPad, int Width, int Precision, string Length, string Conversion);

    private readonly record struct Piece(string Literal, Spec Spec);
}
