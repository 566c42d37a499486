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
            while (i < format.Length && "-+ #0123456789.*hlLjzt".Contains(format[i], StringComparison.Ordinal))
                i++;
            if (i < format.Length)
                list.Add(format[i]);
        }
        return list;
    }
}
