namespace SharpBpf.Core;

/// <summary>Lookups over the generated helper table (HelperIds.g.cs).</summary>
public static partial class HelperIds
{
    /// <summary>Number of helper ids known (0 is BPF_FUNC_unspec).</summary>
    public static int Count => Names.Length;

    /// <summary>The helper's kernel name with its <c>bpf_</c> prefix (<c>bpf_map_lookup_elem</c>), or null.</summary>
    public static string? NameOf(int id) => id > 0 && id < Names.Length ? "bpf_" + Names[id] : null;

    /// <summary>The id of a helper named with or without its <c>bpf_</c> prefix, or -1.</summary>
    public static int IdOf(string name)
    {
        var bare = name.StartsWith("bpf_", StringComparison.Ordinal) ? name[4..] : name;
        return Array.IndexOf(Names, bare) is var i and > 0 ? i : -1;
    }
}
