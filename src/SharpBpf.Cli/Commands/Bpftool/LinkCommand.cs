using System.CommandLine;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary><c>sharpbpf link ...</c> and <c>sharpbpf perf ...</c>, bpftool's grammar.</summary>
internal static partial class LinkCommand
{
    public static Command Create()
    {
        var link = new Command("link", "Inspect and manipulate eBPF links (bpftool link).");
        AddLinkCommands(link);
        return link;
    }

    public static Command CreatePerf()
    {
        var perf = new Command("perf", "Inspect perf-event-attached programs (bpftool perf).");
        AddPerfCommands(perf);
        return perf;
    }

    /// <summary>link show|list|pin|detach.</summary>
    static partial void AddLinkCommands(Command link);

    /// <summary>perf show|list.</summary>
    static partial void AddPerfCommands(Command perf);
}
