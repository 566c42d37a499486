using System.CommandLine;

namespace SharpBpf.Cli.Commands;

/// <summary>
/// bpftool's global options, valid before or after any command: <c>-j</c> JSON, <c>-p</c> pretty
/// JSON (implies -j), <c>-d</c> debug output (libbpf/verifier logs), <c>-f</c> show bpffs pins.
/// </summary>
internal static class GlobalOptions
{
    public static readonly Option<bool> Json = new("--json", "-j") { Description = "Produce JSON output (as bpftool -j).", Recursive = true };

    public static readonly Option<bool> Pretty = new("--pretty", "-p") { Description = "Produce pretty JSON output (as bpftool -p; implies -j).", Recursive = true };

    public static readonly Option<bool> Debug = new("--debug", "-d") { Description = "Print debug output: verifier and loader logs (as bpftool -d).", Recursive = true };

    public static readonly Option<bool> BpfFs = new("--bpffs", "-f") { Description = "Show the bpffs paths objects are pinned at (as bpftool -f).", Recursive = true };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Json);
        root.Options.Add(Pretty);
        root.Options.Add(Debug);
        root.Options.Add(BpfFs);
    }

    /// <summary>Whether JSON was asked for (-j or -p).</summary>
    public static bool WantsJson(ParseResult p) => p.GetValue(Json) || p.GetValue(Pretty);

    /// <summary>Whether pretty JSON was asked for.</summary>
    public static bool WantsPretty(ParseResult p) => p.GetValue(Pretty);
}

/// <summary>
/// bpftool's global options as a command reads them: from the parsed command tree, or from the start-up fast
/// path (<see cref="Bpftool.BpftoolFastPath"/>), which reads them without building the tree.
/// </summary>
internal readonly record struct BpftoolGlobals(bool Json, bool Pretty, bool Debug, bool BpfFs)
{
    public static BpftoolGlobals From(ParseResult p) =>
        new(GlobalOptions.WantsJson(p), GlobalOptions.WantsPretty(p), p.GetValue(GlobalOptions.Debug), p.GetValue(GlobalOptions.BpfFs));
}
