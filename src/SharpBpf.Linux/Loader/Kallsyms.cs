using System.Globalization;

namespace SharpBpf.Linux.Loader;

/// <summary>
/// /proc/kallsyms, for typeless __ksym externs (libbpf's bpf_object__read_kallsyms_file): the address
/// of each wanted symbol. The kernel shows 0 for every address unless kptr_restrict allows the
/// reader (root with kernel.kptr_restrict &lt; 2).
/// </summary>
internal static class Kallsyms
{
    private const string Path = "/proc/kallsyms";

    /// <summary>The addresses of the symbols in <paramref name="wanted"/> that the kernel lists; throws when one is listed twice with different addresses.</summary>
    public static Dictionary<string, ulong> Find(IReadOnlySet<string> wanted)
    {
        var found = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (wanted.Count == 0 || !File.Exists(Path))
            return found;
        foreach (var line in File.ReadLines(Path))
        {
            // "ffffffff81000000 T _stext" or "ffffffffc0001000 t helper\t[module]".
            int first = line.IndexOf(' ', StringComparison.Ordinal);
            if (first < 0 || first + 3 >= line.Length)
                continue;
            int nameStart = first + 3;
            int nameEnd = line.IndexOfAny([' ', '\t'], nameStart);
            string name = nameEnd < 0 ? line[nameStart..] : line[nameStart..nameEnd];
            if (!wanted.Contains(name) ||
                !ulong.TryParse(line.AsSpan(0, first), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong address))
                continue;
            if (found.TryGetValue(name, out ulong earlier) && earlier != address)
                throw new BpfException($"extern (ksym) '{name}': resolution is ambiguous: 0x{earlier:x} or 0x{address:x} ({Path})");
            found[name] = address;
        }
        return found;
    }
}
