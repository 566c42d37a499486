using System.CommandLine;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary>
/// <c>sharpbpf prog ...</c>, bpftool's grammar. Each group of subcommands lives in its own file
/// (ProgCommand.Show.cs, ProgCommand.Load.cs, ...) and adds itself through a partial method.
/// </summary>
internal static partial class ProgCommand
{
    public static Command Create()
    {
        var prog = new Command("prog", "Inspect and manipulate eBPF programs in the kernel (bpftool prog).");
        AddShow(prog);
        AddDump(prog);
        AddLoad(prog);
        AddRun(prog);
        AddAttach(prog);
        return prog;
    }

    /// <summary>prog show|list.</summary>
    static partial void AddShow(Command prog);

    /// <summary>prog dump xlated|jited.</summary>
    static partial void AddDump(Command prog);

    /// <summary>prog load|loadall|pin.</summary>
    static partial void AddLoad(Command prog);

    /// <summary>prog run|tracelog.</summary>
    static partial void AddRun(Command prog);

    /// <summary>prog attach|detach.</summary>
    static partial void AddAttach(Command prog);
}
