namespace SharpBpf.Trace.Probes;

/// <summary>
/// glob(3) over file paths, as bpftrace 0.17 expands a uprobe binary holding a <c>*</c>
/// (utils.cpp expand_wildcard_paths): each <c>/</c>-separated part is matched against one directory's
/// entries with <c>*</c>, <c>?</c> and <c>[...]</c> (so a <c>*</c> never crosses a <c>/</c>), names
/// starting with <c>.</c> only by a part that starts with one, and the matches come sorted.
/// </summary>
public static class PathGlob
{
    /// <summary>The existing paths matching <paramref name="pattern"/> (relative ones against the current directory), sorted.</summary>
    public static List<string> Expand(string pattern)
    {
        var found = new List<string>();
        if (pattern.Length == 0)
            return found;
        var parts = pattern.Split('/');
        // "/usr/bin/x" splits into "", "usr", ...: the empty first part is the root
        Walk(parts[0].Length == 0 ? "/" : "", parts, parts[0].Length == 0 ? 1 : 0, found);
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    // Every entry (dot files too: the pattern decides) of the directories it may read.
    private static readonly EnumerationOptions Entries = new() { IgnoreInaccessible = true, AttributesToSkip = 0 };

    private static void Walk(string prefix, string[] parts, int index, List<string> found)
    {
        if (index == parts.Length)
        {
            if (File.Exists(prefix) || Directory.Exists(prefix))
                found.Add(prefix);
            return;
        }
        string part = parts[index];
        string Join(string name) => prefix.Length == 0 ? name : prefix.EndsWith('/') ? prefix + name : prefix + "/" + name;
        if (part.IndexOfAny(['*', '?', '[']) < 0)
        {
            Walk(Join(part), parts, index + 1, found);
            return;
        }
        string dir = prefix.Length == 0 ? "." : prefix;
        if (!Directory.Exists(dir))
            return;
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir, "*", Entries))
        {
            string name = Path.GetFileName(entry);
            if (name.StartsWith('.') && !part.StartsWith('.'))
                continue;
            if (IsMatch(part, name))
                Walk(Join(name), parts, index + 1, found);
        }
    }

    /// <summary>fnmatch(3) of one path part: <c>*</c> any run, <c>?</c> one character, <c>[a-z]</c>/<c>[!a]</c> a class, <c>\x</c> x itself.</summary>
    public static bool IsMatch(string pattern, string name)
    {
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = ++p;
                starN = n;
                continue;
            }
            if (p < pattern.Length && MatchOne(pattern, ref p, name[n]))
            {
                n++;
                continue;
            }
            if (starP < 0)
                return false;
            p = starP;
            n = ++starN;
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    // One pattern element against c; on a match p moves past the element.
    private static bool MatchOne(string pattern, ref int p, char c)
    {
        char x = pattern[p];
        if (x == '?')
        {
            p++;
            return true;
        }
        if (x == '[' && ClassEnd(pattern, p) is int end and > 0)
        {
            int i = p + 1;
            bool negate = pattern[i] is '!' or '^';
            if (negate)
                i++;
            bool hit = false;
            while (i < end)
            {
                if (i + 2 < end && pattern[i + 1] == '-')
                {
                    hit |= c >= pattern[i] && c <= pattern[i + 2];
                    i += 3;
                }
                else
                    hit |= c == pattern[i++];
            }
            if (hit == negate)
                return false;
            p = end + 1;
            return true;
        }
        if (x == '\\' && p + 1 < pattern.Length)
            x = pattern[++p];
        if (x != c)
            return false;
        p++;
        return true;
    }

    // The index of the ']' closing the class opened at start, or -1 (then '[' is an ordinary character).
    private static int ClassEnd(string pattern, int start)
    {
        int i = start + 1;
        if (i < pattern.Length && pattern[i] is '!' or '^')
            i++;
        if (i < pattern.Length && pattern[i] == ']')
            i++; // a leading ']' is a member
        return pattern.IndexOf(']', i);
    }
}
