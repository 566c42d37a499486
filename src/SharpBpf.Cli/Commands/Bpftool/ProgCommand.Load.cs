using System.CommandLine;
using SharpBpf.Linux;
using SharpBpf.Linux.Attach;
using SharpBpf.Linux.Loader;
using SharpBpf.Linux.Printing;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary>
/// <c>prog load OBJ PATH</c>, <c>prog loadall OBJ PATH</c> and <c>prog pin PROG FILE</c>, bpftool's
/// grammar (prog.c, load_with_options): the whole object is loaded by <see cref="Collection"/>;
/// <c>load</c> pins its first program at PATH, <c>loadall</c> every loaded program at PATH/NAME,
/// <c>pinmaps DIR</c> every map at DIR/NAME (dots made '_', which bpffs refuses in names).
/// </summary>
internal static partial class ProgCommand
{
    static partial void AddLoad(Command prog)
    {
        prog.Subcommands.Add(LoadCommand("load", firstOnly: true,
            "Load an object file and pin its first program: prog load OBJ PATH [type TYPE] [map {idx IDX | name NAME} MAP] [pinmaps MAP_DIR] [autoattach]."));
        prog.Subcommands.Add(LoadCommand("loadall", firstOnly: false,
            "Load an object file and pin every program at PATH/NAME: prog loadall OBJ PATH [type TYPE] [map {idx IDX | name NAME} MAP] [pinmaps MAP_DIR] [autoattach]."));

        var pinArgs = new Argument<string[]>("ARGS") { Description = "PROG FILE", Arity = ArgumentArity.OneOrMore };
        var pin = new Command("pin", "Pin a program at FILE on a bpffs: prog pin PROG FILE.") { pinArgs };
        pin.SetAction(p =>
        {
            var a = new BpftoolArgs(p.GetValue(pinArgs)!, "prog pin");
            using var program = OpenProgram(a, "prog pin");
            string file = a.Next("a pin path");
            if (!a.AtEnd)
                throw a.Unexpected();
            PinProgramFile(program.Pin, file);
            using var output = BpftoolOutput.Open(p);
            output.Json?.Null();
            return 0;
        });
        prog.Subcommands.Add(pin);
    }

    /// <summary>What <c>prog load</c>'s arguments say.</summary>
    private sealed class LoadRequest
    {
        public required string Object { get; init; }
        public required string PinPath { get; init; }
        public SectionInfo? Type { get; set; }
        public List<(int Index, string? Name, KernelMap Map)> Replacements { get; } = [];
        public string? PinMaps { get; set; }
        public bool AutoAttach { get; set; }
    }

    private static Command LoadCommand(string name, bool firstOnly, string description)
    {
        var args = new Argument<string[]>("ARGS") { Description = "OBJ PATH [type TYPE] [map {idx IDX | name NAME} MAP] [pinmaps MAP_DIR] [autoattach]", Arity = ArgumentArity.OneOrMore };
        var command = new Command(name, description) { args };
        command.SetAction(p =>
        {
            string what = "prog " + name;
            var request = ParseLoad(new BpftoolArgs(p.GetValue(args)!, what), what);
            try
            {
                RunLoad(p, request, firstOnly, what);
            }
            finally
            {
                foreach (var (_, _, map) in request.Replacements)
                    map.Dispose();
            }
            using var output = BpftoolOutput.Open(p);
            output.Json?.Null();
            return 0;
        });
        return command;
    }

    private static LoadRequest ParseLoad(BpftoolArgs a, string what)
    {
        var request = new LoadRequest { Object = a.Next("an object file"), PinPath = a.Next("a pin path") };
        try
        {
            while (!a.AtEnd)
            {
                if (a.Accept("type"))
                {
                    if (request.Type is not null)
                        throw new CliError($"{what}: program type already specified", 2);
                    string type = a.Next("a program type");
                    // libbpf_prog_type_by_name, then with a '/' to appease it, as bpftool does.
                    request.Type = SectionDefinitions.Lookup(type) ?? SectionDefinitions.Lookup(type + "/")
                        ?? throw new CliError($"{what}: failed to guess program type from ELF section '{type}'", 2);
                }
                else if (a.Accept("map"))
                {
                    int index = -1;
                    string? mapName = null;
                    if (a.Accept("idx"))
                    {
                        string text = a.Next("a map index");
                        if (!CNumbers.TryParseUnsigned(text, 0, out ulong idx) || idx > int.MaxValue)
                            throw new CliError($"{what}: can't parse {text} as IDX", 2);
                        index = (int)idx;
                    }
                    else if (a.Accept("name"))
                    {
                        mapName = a.Next("a map name");
                    }
                    else
                    {
                        throw new CliError($"{what}: expected 'idx' or 'name', got: '{a.Peek}'?", 2);
                    }
                    request.Replacements.Add((index, mapName, MapCommand.OpenMap(a, what)));
                }
                else if (a.Accept("dev"))
                {
                    a.Next("a device name");
                    throw new CliError($"{what}: offloading programs to a device (dev) is not supported");
                }
                else if (a.Accept("pinmaps"))
                {
                    request.PinMaps = a.Next("a directory for the maps");
                }
                else if (a.Accept("autoattach"))
                {
                    request.AutoAttach = true;
                }
                else
                {
                    throw new CliError($"{what}: expected no more arguments, 'type', 'map', 'dev', 'pinmaps' or 'autoattach', got: '{a.Peek}'?", 2);
                }
            }
        }
        catch
        {
            foreach (var (_, _, map) in request.Replacements)
                map.Dispose();
            throw;
        }
        return request;
    }

    private static void RunLoad(ParseResult p, LoadRequest request, bool firstOnly, string what)
    {
        if (!File.Exists(request.Object))
            throw new CliError($"{request.Object}: no such file");
        var spec = CollectionLoader.Load(request.Object);
        bool debug = p.GetValue(GlobalOptions.Debug);
        var options = new CollectionOptions
        {
            ProgramType = request.Type?.Type,
            ExpectedAttachType = request.Type?.AttachType,
            ReplaceMaps = MapReplacements(spec, request, what),
            // bpftool -d: log_level 1 + 2 + 4 for every program.
            LogLevel = debug ? VerifierLogLevel.Basic | VerifierLogLevel.Verbose | VerifierLogLevel.Stats : VerifierLogLevel.None,
        };

        Collection collection;
        try
        {
            collection = Collection.Load(spec, options);
        }
        catch (BpfException e)
        {
            if (debug && e is BpfVerifierException v)
                Console.Error.Write(v.Log.EndsWith('\n') ? v.Log : v.Log + "\n");
            throw new CliError($"{what}: {e.Message}");
        }
        using (collection)
        {
            if (debug)
                PrintLoadLog(collection);
            var pinned = new List<string>();
            try
            {
                if (firstOnly)
                {
                    var first = spec.Programs.Values.FirstOrDefault() ?? throw new CliError($"{what}: object file doesn't contain any bpf program");
                    if (!collection.Programs.TryGetValue(first.Name, out var program))
                        throw new CliError($"{what}: program '{first.Name}' was not loaded (its section '{first.SectionName}' starts with '?')");
                    PinLoaded(program, first, request.PinPath, request.AutoAttach, pinned, what);
                }
                else
                {
                    MountFor(request.PinPath);
                    Directory.CreateDirectory(request.PinPath);
                    foreach (var (name, program) in collection.Programs)
                        PinLoaded(program, spec.Programs[name], Path.Combine(request.PinPath, name), request.AutoAttach, pinned, what);
                }
                if (request.PinMaps is { } dir)
                {
                    MountFor(Path.Combine(dir, "x"));
                    Directory.CreateDirectory(dir);
                    foreach (var (name, map) in collection.Maps)
                    {
                        // bpf_object__pin_maps: DIR/bpf_map__name, '.' made '_' (bpffs refuses dots in names).
                        string file = Path.Combine(dir, Collection.MapNameOf(spec, name, collection.Name).Replace('.', '_'));
                        try
                        {
                            map.Pin(file);
                        }
                        catch (BpfException e)
                        {
                            throw new CliError($"{what}: failed to pin all maps: map '{name}' at {file}: {MapElementPrinter.StrError(e.Errno)}");
                        }
                        pinned.Add(file);
                    }
                }
            }
            catch
            {
                // bpftool unpins what it pinned when a later pin fails.
                foreach (var file in pinned)
                    File.Delete(file);
                throw;
            }
        }
    }

    /// <summary>The maps of <c>map {idx IDX | name NAME} MAP</c>, by their name in the spec (idx counts the object's maps in order).</summary>
    private static Dictionary<string, KernelMap> MapReplacements(CollectionSpec spec, LoadRequest request, string what)
    {
        var names = spec.Maps.Keys.ToList();
        var result = new Dictionary<string, KernelMap>(StringComparer.Ordinal);
        foreach (var (index, name, map) in request.Replacements)
        {
            int at = index;
            if (name is not null)
            {
                // bpf_map__name: global data maps go by their kernel name ("prog_typ.data").
                at = names.FindIndex(n => Collection.MapNameOf(spec, n) == name);
                if (at < 0)
                    throw new CliError($"{what}: unable to find map '{name}'");
            }
            if (at >= names.Count)
                throw new CliError($"{what}: map idx '{at}' not used");
            if (!result.TryAdd(names[at], map))
                throw new CliError($"{what}: replacement for map idx {at} specified more than once");
        }
        return result;
    }

    /// <summary>Pins a program at <paramref name="path"/>, or with autoattach the link that attaches it where its section says (the program when the section says nowhere).</summary>
    private static void PinLoaded(KernelProgram program, ProgramSpec spec, string path, bool autoAttach, List<string> pinned, string what)
    {
        if (autoAttach)
        {
            Link? link;
            try
            {
                link = Link.AutoAttach(program, spec);
            }
            catch (Exception e) when (e is BpfException or ArgumentException)
            {
                throw new CliError($"{what}: failed to auto-attach program '{spec.Name}': {e.Message}");
            }
            if (link is not null)
            {
                using (link)
                {
                    try
                    {
                        MountFor(path);
                        link.Pin(path);
                    }
                    catch (BpfException e)
                    {
                        throw new CliError($"{what}: failed to pin the link of program '{spec.Name}' at {path}: {e.Message}");
                    }
                }
                pinned.Add(path);
                return;
            }
            // libbpf returns no link for sections without a target: bpftool then pins the program.
            Console.Error.WriteLine($"Program {spec.Name} does not support autoattach, falling back to pinning");
        }
        try
        {
            MountFor(path);
            program.Pin(path);
        }
        catch (BpfException e)
        {
            throw new CliError($"{what}: failed to pin program {spec.SectionName}: {MapElementPrinter.StrError(e.Errno)} ({path})");
        }
        pinned.Add(path);
    }

    // bpftool's mount_bpffs_for_pin: a bpffs is mounted on the pin's directory when it is on none.
    private static void MountFor(string file)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? "/";
        if (!Directory.Exists(dir))
            return; // the pin fails with ENOENT, which says it better
        try
        {
            BpfFs.EnsureMounted(dir);
        }
        catch (BpfException e)
        {
            throw new CliError($"can't mount BPF file system to pin the object ({file}): {e.Message}");
        }
    }

    private static void PinProgramFile(Action<string> pin, string file)
    {
        MountFor(file);
        try
        {
            pin(file);
        }
        catch (BpfException e)
        {
            throw new CliError($"can't pin the object ({file}): {MapElementPrinter.StrError(e.Errno)}");
        }
    }

    /// <summary>-d: what the loader did, then each program's verifier log, as bpftool -d prints libbpf's debug output.</summary>
    private static void PrintLoadLog(Collection collection)
    {
        var err = Console.Error;
        foreach (var line in collection.Log)
            err.WriteLine("loader: " + line);
        if (collection.Btf?.Log is { Length: > 0 } btfLog)
            err.Write(btfLog.EndsWith('\n') ? btfLog : btfLog + "\n");
        foreach (var (name, program) in collection.Programs)
        {
            if (program.VerifierLog is not { Length: > 0 } log)
                continue;
            err.WriteLine($"-- BEGIN PROG LOAD LOG: {name} --");
            err.Write(log.EndsWith('\n') ? log : log + "\n");
            err.WriteLine("-- END PROG LOAD LOG --");
        }
    }
}
