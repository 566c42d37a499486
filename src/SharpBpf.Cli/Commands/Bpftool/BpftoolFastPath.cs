namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary>
/// The start-up fast path of bpftool's short read-only commands: <c>prog|map|link|btf show|list [...]</c>,
/// <c>map dump MAP</c>, <c>perf show|list</c> and <c>link</c> / <c>perf</c> alone, with bpftool's global
/// options <c>-j -p -d -f</c> anywhere, run the same handlers as the command tree without building it
/// (System.CommandLine's tree, resources and parser are about a third of <c>prog list</c>'s start-up).
/// Anything else (help, long or bundled options, response files, other verbs) returns null and goes the
/// full way, which gives the same results.
/// </summary>
internal static class BpftoolFastPath
{
    public static Func<int>? TryParse(string[] argv)
    {
        // -j, -p, -d, -f once each (a repeat goes the full way, which says what it thinks of it).
        var flags = new bool[4];
        var words = new List<string>(argv.Length);
        foreach (string a in argv)
        {
            int flag = a switch { "-j" => 0, "-p" => 1, "-d" => 2, "-f" => 3, _ => -1 };
            if (flag >= 0 && !flags[flag])
                flags[flag] = true;
            else if (flag >= 0 || a.Length == 0 || a[0] is '-' or '@')
                return null;
            else
                words.Add(a);
        }
        if (words.Count == 0)
            return null;
        var g = new BpftoolGlobals(Json: flags[0] || flags[1], Pretty: flags[1], Debug: flags[2], BpfFs: flags[3]);
        string[] rest = words.Count > 2 ? [.. words.Skip(2)] : [];
        string verb = words.Count > 1 ? words[1] : "";
        bool show = verb is "show" or "list";
        return words[0] switch
        {
            "prog" when show => () => ProgCommand.Show(g, rest),
            "map" when show => () => MapCommand.Show(g, rest),
            "map" when verb == "dump" && rest.Length > 0 => () => MapCommand.Dump(g, rest),
            "btf" when show => () => BtfCommand.Show(g, rest),
            "link" when show || words.Count == 1 => () => LinkCommand.Show(g, rest),
            "perf" when (show && rest.Length == 0) || words.Count == 1 => () => LinkCommand.ShowPerf(g),
            _ => null,
        };
    }
}
