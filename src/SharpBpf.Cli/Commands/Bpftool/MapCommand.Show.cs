using System.CommandLine;
using System.Text;
using SharpBpf.Linux;
using SharpBpf.Linux.Printing;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary><c>map show|list [MAP]</c>, <c>map dump MAP</c>, and MAP parsing the map subcommands share.</summary>
internal static partial class MapCommand
{
    static partial void AddShow(Command map)
    {
        var args = new Argument<string[]>("MAP") { Description = "id ID | name NAME | pinned FILE", Arity = ArgumentArity.ZeroOrMore };
        var show = new Command("show", "Show maps in the kernel: map show [MAP] (bpftool map show).") { args };
        show.Aliases.Add("list");
        show.SetAction(p => Show(BpftoolGlobals.From(p), p.GetValue(args)!));
        map.Subcommands.Add(show);

        var dumpArgs = new Argument<string[]>("MAP") { Description = "id ID | name NAME | pinned FILE", Arity = ArgumentArity.OneOrMore };
        var dump = new Command("dump", "Dump every element of a map: map dump MAP (bpftool map dump).") { dumpArgs };
        dump.SetAction(p => Dump(BpftoolGlobals.From(p), p.GetValue(dumpArgs)!));
        map.Subcommands.Add(dump);
    }

    /// <summary>map show|list [MAP].</summary>
    internal static int Show(BpftoolGlobals g, IReadOnlyList<string> words)
    {
        var pins = g.BpfFs ? PinnedObjects.Find(PinnedObjectKind.Map) : null;
        return ProgCommand.ShowObjects(g, new BpftoolArgs(words, "map show"), a => OpenMaps(a, "map show"), KernelObjectIds.OpenMaps,
            (output, map) => Show(output, MapShowEntry.Read(map), pins));
    }

    /// <summary>map dump MAP.</summary>
    internal static int Dump(BpftoolGlobals g, IReadOnlyList<string> words)
    {
        var a = new BpftoolArgs(words, "map dump");
        var maps = OpenMaps(a, "map dump");
        try
        {
            if (!a.AtEnd)
                throw a.Unexpected();
            using var output = BpftoolOutput.Open(g);
            if (!MapDump.Dump(maps, output.Text, output.Json))
                return 1;
        }
        finally
        {
            ProgCommand.Dispose(maps);
        }
        return 0;
    }

    private static void Show(BpftoolOutput output, MapShowEntry entry, IReadOnlyDictionary<uint, List<string>>? pins)
    {
        if (output.Json is { } j)
            MapShowPrinter.WriteJson(j, entry, pins);
        else
            MapShowPrinter.WritePlain(output.Text, entry, pins);
    }

    /// <summary>MAP as bpftool's map_parse_fds takes it: <c>id ID</c>, <c>pinned FILE</c>, or <c>name NAME</c> (every map with that name).</summary>
    internal static List<KernelMap> OpenMaps(BpftoolArgs a, string command)
    {
        if (a.Accept("id"))
        {
            string text = a.Next("a map id");
            if (!CNumbers.TryParseUnsigned(text, 0, out ulong id) || id > uint.MaxValue)
                throw new CliError($"{command}: can't parse {text} as ID", 2);
            return [ProgCommand.Fail(() => KernelMap.FromId((uint)id), $"get map by id ({id})")];
        }
        if (a.Accept("pinned"))
        {
            string path = a.Next("a pinned path");
            var m = ProgCommand.Fail(() => KernelMap.OpenPinned(path), $"bpf obj get ({path})");
            if (PinnedObjects.KindOf(m.Fd) is { } kind && kind != PinnedObjectKind.Map)
            {
                m.Dispose();
                throw new CliError($"incorrect object type: {kind.ToString().ToLowerInvariant()}");
            }
            return [m];
        }
        if (a.Accept("name"))
        {
            string name = a.Next("a map name");
            if (Encoding.UTF8.GetByteCount(name) > 15) // BPF_OBJ_NAME_LEN - 1
                throw new CliError($"{command}: can't parse name", 2);
            var found = new List<KernelMap>();
            foreach (var m in KernelObjectIds.OpenMaps())
            {
                if (m.Name == name)
                    found.Add(m);
                else
                    m.Dispose();
            }
            if (found.Count == 0)
                throw new CliError($"{command}: no map with name '{name}'");
            return found;
        }
        throw new CliError($"{command}: expected 'id', 'name' or 'pinned', got: '{a.Peek}'?", 2);
    }

    /// <summary>MAP naming exactly one map.</summary>
    internal static KernelMap OpenMap(BpftoolArgs a, string command)
    {
        var maps = OpenMaps(a, command);
        if (maps.Count > 1)
        {
            ProgCommand.Dispose(maps);
            throw new CliError($"{command}: several maps match this handle");
        }
        return maps[0];
    }
}
