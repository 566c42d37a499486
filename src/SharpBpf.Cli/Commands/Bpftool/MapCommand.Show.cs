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
        show.SetAction(p =>
        {
            var a = new BpftoolArgs(p.GetValue(args)!, "map show");
            var pins = p.GetValue(GlobalOptions.BpfFs) ? PinnedObjects.Find(PinnedObjectKind.Map) : null;
            using var output = BpftoolOutput.Open(p);
            if (!a.AtEnd)
            {
                var maps = OpenMaps(a, "map show");
                try
                {
                    if (!a.AtEnd)
                        throw a.Unexpected();
                    if (output.Json is { } j && maps.Count > 1)
                        j.StartArray();
                    foreach (var m in maps)
                        Show(output, MapShowEntry.Read(m), pins);
                    if (output.Json is { } j2 && maps.Count > 1)
                        j2.EndArray();
                }
                finally
                {
                    ProgCommand.Dispose(maps);
                }
                return 0;
            }
            output.Json?.StartArray();
            foreach (uint id in KernelObjectIds.Maps())
            {
                KernelMap m;
                try
                {
                    m = KernelMap.FromId(id);
                }
                catch (BpfException e) when (e.Errno == Errno.ENOENT)
                {
                    continue;
                }
                using (m)
                    Show(output, MapShowEntry.Read(m), pins);
            }
            output.Json?.EndArray();
            return 0;
        });
        map.Subcommands.Add(show);

        var dumpArgs = new Argument<string[]>("MAP") { Description = "id ID | name NAME | pinned FILE", Arity = ArgumentArity.OneOrMore };
        var dump = new Command("dump", "Dump every element of a map: map dump MAP (bpftool map dump).") { dumpArgs };
        dump.SetAction(p =>
        {
            var a = new BpftoolArgs(p.GetValue(dumpArgs)!, "map dump");
            var maps = OpenMaps(a, "map dump");
            try
            {
                if (!a.AtEnd)
                    throw a.Unexpected();
                using var output = BpftoolOutput.Open(p);
                if (!MapDump.Dump(maps, output.Text, output.Json))
                    return 1;
            }
            finally
            {
                ProgCommand.Dispose(maps);
            }
            return 0;
        });
        map.Subcommands.Add(dump);
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
            foreach (uint id in KernelObjectIds.Maps())
            {
                KernelMap m;
                try
                {
                    m = KernelMap.FromId(id);
                }
                catch (BpfException e) when (e.Errno == Errno.ENOENT)
                {
                    continue;
                }
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
