namespace SharpBpf.Trace.Probes;

/// <summary>
/// bpftrace 0.17's probe wildcards (utils.cpp get_wildcard_tokens and wildcard_match): the pattern
/// is split at its <c>*</c>s into tokens, and each token is looked for at its first occurrence after
/// the previous one, with no backtracking. Without a leading <c>*</c> the text must start with the first
/// token, without a trailing one it must end where the last token's first occurrence ends: so
/// <c>*s</c> does not match <c>register_tm_clones</c> (its first <c>s</c> is not the last letter), as
/// bpftrace does not. Everything else matches itself (<c>?</c> and <c>{a,b}</c> are syntax errors in
/// 0.17's probe grammar, and <c>[</c> is an ordinary character here).
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
        if (pattern.IsEmpty)
            return text.IsEmpty;
        bool startWildcard = pattern[0] == '*', endWildcard = pattern[^1] == '*';
        int next = 0;
        bool first = true;
        foreach (var range in pattern.Split('*'))
        {
            var token = pattern[range];
            if (token.IsEmpty)
                continue;
            int found = text[next..].IndexOf(token, StringComparison.Ordinal);
            if (found < 0 || (first && !startWildcard && found != 0))
                return false;
            next += found + token.Length;
            first = false;
        }
        return endWildcard || next == text.Length;
    }
}
