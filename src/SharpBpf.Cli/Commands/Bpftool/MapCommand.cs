using System.CommandLine;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary><c>sharpbpf map ...</c>, bpftool's grammar; subcommand groups add themselves through partial methods.</summary>
internal static partial class MapCommand
{
    public static Command Create()
    {
        var map = new Command("map", "Inspect and manipulate eBPF maps in the kernel (bpftool map).");
        AddShow(map);
        AddElements(map);
        AddManage(map);
        AddEventPipe(map);
        return map;
    }

    /// <summary>map show|list|dump.</summary>
    static partial void AddShow(Command map);

    /// <summary>map lookup|update|delete|getnext.</summary>
    static partial void AddElements(Command map);

    /// <summary>map create|pin|freeze.</summary>
    static partial void AddManage(Command map);

    /// <summary>map event_pipe.</summary>
    static partial void AddEventPipe(Command map);
}
