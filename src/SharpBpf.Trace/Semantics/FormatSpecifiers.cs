namespace SharpBpf.Trace.Semantics;

/// <summary>The conversions of a printf format string (flags, width, precision and length skipped).</summary>
public static class FormatSpecifiers
{
    /// <summary>The conversion character of each argument-taking specifier, in order (<c>%%</c> takes none).</summary>
    public static List<char> Parse(string format)
    {
        var list = new List<char>();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
                continue;
            i++;
            if (i < format.Length && format[i] == '%')
                continue;
            // bpftrace 0.17's token: '-'? width? ('.' precision)? length? letter; anything else ("%+d", "%#x")
            // is not an argument's place
            if (i < format.Length && format[i] == '-')
                i++;
            while (i < format.Length && char.IsAsciiDigit(format[i]))
                i++;
            if (i + 1 < format.Length && format[i] == '.' && char.IsAsciiDigit(format[i + 1]))
            {
                i++;
                while (i < format.Length && char.IsAsciiDigit(format[i]))
                    i++;
            }
            while (i < format.Length && "hlLjzt".Contains(format[i], StringComparison.Ordinal))
                i++;
            if (i < format.Length && char.IsAsciiLetter(format[i]))
                list.Add(format[i]);
            else
                i--;
        }
        return list;
    }
}
