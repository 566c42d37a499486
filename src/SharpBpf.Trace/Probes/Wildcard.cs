namespace SharpBpf.Trace.Probes;

/// <summary>
/// bpftrace 0.17's probe wildcards: <c>*</c> matches any run of characters (empty included) and
/// everything else matches itself; the whole text must match. (<c>?</c> and <c>{a,b}</c> are syntax
/// errors in 0.17's probe grammar, so they never reach matching.)
/// </summary>
public static class Wildcard
{
    /// <summary>True when <paramref name="pattern"/> has a <c>*</c>.</summary>
    public static bool HasWildcard(string pattern) => pattern.Contains('*', StringComparison.Ordinal);

    /// <summary>True when <paramref name="text"/> matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(string pattern, string text) => IsMatch(pattern.AsSpan(), text.AsSpan());

    /// <summary>True when <paramref name="text"/> matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Greedy match with one backtrack point per star: linear in practice, no regex.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
                return false;
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }
}
