using System.Text.RegularExpressions;

namespace SharpBpf.Verifier.Agreement;

/// <summary>The direction of a disagreement.</summary>
public enum DisagreementKind
{
    /// <summary>SharpBpf rejects what the kernel accepts (stricter, or not modelled).</summary>
    WeReject,

    /// <summary>SharpBpf accepts what the kernel rejects: allowed only for a reason that is not about safety.</summary>
    WeAccept,
}

/// <summary>One listed disagreement: the case, the direction, a category and the explanation.</summary>
public sealed record Disagreement(string Name, DisagreementKind Kind, string Category, string Reason, int Line);

/// <summary>
/// The listed disagreements with the kernel (tests/data/verifier/agreement-disagreements.txt),
/// one a line: <c>NAME: we-reject|we-accept (category) explanation</c>; <c>#</c> starts a
/// comment. A <c>we-accept</c> line must name a category whose kernel reasons are limits of the
/// kernel's method, not safety (<see cref="NonSafetyCategories"/>): the kernel's reason must match it.
/// </summary>
public sealed partial class Disagreements
{
    /// <summary>
    /// Why the kernel may reject what SharpBpf accepts without a safety reason, and the kernel
    /// messages that show it (kernel/bpf/verifier.c).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Regex> NonSafetyCategories = new Dictionary<string, Regex>
    {
        // The kernel walks loop iterations one by one and stops at BPF_COMPLEXITY_LIMIT_INSNS
        // (1M) or at its jump-sequence limit; SharpBpf bounds the loop instead.
        ["complexity"] = new(@"BPF program is too large|is too complex|too many states", RegexOptions.CultureInvariant),
        // Callbacks (bpf_loop) and global functions need BTF func_info in the kernel; a raw
        // program has none. The program is safe; the kernel wants metadata.
        ["btf-metadata"] = new(@"missing btf func_info|requires BTF|func_info", RegexOptions.CultureInvariant),
    };

    private readonly Dictionary<string, Disagreement> _entries;

    private Disagreements(Dictionary<string, Disagreement> entries) => _entries = entries;

    /// <summary>The entries by case name.</summary>
    public IReadOnlyDictionary<string, Disagreement> Entries => _entries;

    /// <summary>An empty list.</summary>
    public static Disagreements None { get; } = new([]);

    /// <summary>Reads the list; a malformed line throws <see cref="FormatException"/> with its number.</summary>
    public static Disagreements Load(string path) => Parse(File.ReadAllLines(path), path);

    /// <summary>Parses the lines of a list.</summary>
    public static Disagreements Parse(IEnumerable<string> lines, string file = "disagreements")
    {
        var entries = new Dictionary<string, Disagreement>(StringComparer.Ordinal);
        int n = 0;
        foreach (var raw in lines)
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var m = Entry().Match(line);
            if (!m.Success)
                throw new FormatException($"{file}:{n}: expected 'NAME: we-reject|we-accept (category) explanation'");
            var kind = m.Groups["kind"].Value == "we-accept" ? DisagreementKind.WeAccept : DisagreementKind.WeReject;
            string category = m.Groups["cat"].Value;
            if (kind == DisagreementKind.WeAccept && !NonSafetyCategories.ContainsKey(category))
                throw new FormatException($"{file}:{n}: we-accept needs a category that is not about safety ({string.Join(", ", NonSafetyCategories.Keys)}), not '{category}'");
            var d = new Disagreement(m.Groups["name"].Value, kind, category, m.Groups["why"].Value.Trim(), n);
            if (!entries.TryAdd(d.Name, d))
                throw new FormatException($"{file}:{n}: {d.Name} is listed twice");
        }
        return new Disagreements(entries);
    }

    [GeneratedRegex(@"^(?<name>\S+):\s+(?<kind>we-reject|we-accept)\s+\((?<cat>[a-z0-9-]+)\)\s+(?<why>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Entry();
}
