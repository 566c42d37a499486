using System.CommandLine;
using SharpBpf.Core;
using SharpBpf.Linux;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary><c>map create</c>, <c>map pin</c> and <c>map freeze</c>.</summary>
internal static partial class MapCommand
{
    static partial void AddManage(Command map)
    {
        var createArgs = new Argument<string[]>("ARGS")
        {
            Description = "FILE type TYPE key KEY_SIZE value VALUE_SIZE entries MAX_ENTRIES name NAME [flags FLAGS] [inner_map MAP]",
            Arity = ArgumentArity.OneOrMore,
        };
        var create = new Command("create", "Create a map and pin it at FILE: map create FILE type TYPE key N value N entries N name NAME [flags F] [inner_map MAP].") { createArgs };
        create.SetAction(p =>
        {
            var raw = p.GetValue(createArgs)!;
            if (raw.Length < 7)
                throw new CliError("map create: expected at least 7 arguments", 2);
            var a = new BpftoolArgs(raw, "map create");
            string file = a.Next("a pin path");
            MapType? type = null;
            string? name = null;
            uint key = 0, value = 0, entries = 0, flags = 0;
            MapSpec? inner = null;
            while (!a.AtEnd)
            {
                if (a.Accept("type"))
                {
                    if (type is not null)
                        throw new CliError("map create: map type already specified", 2);
                    string t = a.Next("a map type");
                    type = Enum.GetValues<MapType>().Where(m => UapiNames.NameOf(m) == t).Select(m => (MapType?)m).FirstOrDefault()
                        ?? throw new CliError($"map create: unrecognized map type: {t}", 2);
                }
                else if (a.Accept("name"))
                {
                    name = a.Next("a map name");
                }
                else if (a.Accept("key"))
                {
                    key = CNumbers.ParseU32(a, "key size", "map create");
                }
                else if (a.Accept("value"))
                {
                    value = CNumbers.ParseU32(a, "value size", "map create");
                }
                else if (a.Accept("entries"))
                {
                    entries = CNumbers.ParseU32(a, "max entries", "map create");
                }
                else if (a.Accept("flags"))
                {
                    flags = CNumbers.ParseU32(a, "flags", "map create");
                }
                else if (a.Accept("inner_map"))
                {
                    // The inner map is only a template (type and sizes): one of the same shape serves.
                    using var template = OpenMap(a, "map create");
                    var info = template.GetInfo();
                    inner = new MapSpec
                    {
                        Name = info.Name,
                        Type = info.Type,
                        KeySize = (uint)info.KeySize,
                        ValueSize = (uint)info.ValueSize,
                        MaxEntries = (uint)info.MaxEntries,
                        Flags = (uint)info.Flags,
                        Origin = MapOrigin.Inner,
                        SectionName = "",
                    };
                }
                else if (a.Accept("dev"))
                {
                    throw new CliError("map create: offloaded maps (dev) are not supported", 2);
                }
                else
                {
                    throw new CliError($"map create: unknown arg {a.Peek}", 2);
                }
            }
            if (name is null)
                throw new CliError("map create: map name not specified", 2);
            var spec = new MapSpec
            {
                Name = name,
                Type = type ?? MapType.Unspec,
                KeySize = key,
                ValueSize = value,
                MaxEntries = entries,
                Flags = flags,
                InnerMap = inner,
                Origin = MapOrigin.BtfMaps,
                SectionName = "",
            };
            KernelMap created;
            try
            {
                created = KernelMap.Create(spec);
            }
            catch (BpfException e)
            {
                throw new CliError($"map create failed: {SharpBpf.Linux.Printing.MapElementPrinter.StrError(e.Errno)}");
            }
            using (created)
                PinAt(created.Pin, file);
            using var output = BpftoolOutput.Open(p);
            output.Json?.Null();
            return 0;
        });
        map.Subcommands.Add(create);

        var pinArgs = new Argument<string[]>("ARGS") { Description = "MAP FILE", Arity = ArgumentArity.OneOrMore };
        var pin = new Command("pin", "Pin a map at FILE on a bpffs: map pin MAP FILE.") { pinArgs };
        pin.SetAction(p =>
        {
            var a = new BpftoolArgs(p.GetValue(pinArgs)!, "map pin");
            using var m = OpenMap(a, "map pin");
            string file = a.Next("a pin path");
            if (!a.AtEnd)
                throw a.Unexpected();
            PinAt(m.Pin, file);
            using var output = BpftoolOutput.Open(p);
            output.Json?.Null();
            return 0;
        });
        map.Subcommands.Add(pin);

        var freezeArgs = new Argument<string[]>("MAP") { Description = "MAP", Arity = ArgumentArity.OneOrMore };
        var freeze = new Command("freeze", "Make a map read-only from user space: map freeze MAP.") { freezeArgs };
        freeze.SetAction(p =>
        {
            var a = new BpftoolArgs(p.GetValue(freezeArgs)!, "map freeze");
            using var m = OpenMap(a, "map freeze");
            if (!a.AtEnd)
                throw a.Unexpected();
            try
            {
                m.Freeze();
            }
            catch (BpfException e)
            {
                throw new CliError($"failed to freeze map: {SharpBpf.Linux.Printing.MapElementPrinter.StrError(e.Errno)}");
            }
            using var output = BpftoolOutput.Open(p);
            output.Json?.Null();
            return 0;
        });
        map.Subcommands.Add(freeze);
    }

    // do_pin_fd: a bpffs is mounted on the pin's directory first when there is none (mount_bpffs_for_pin).
    private static void PinAt(Action<string> pin, string file)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? "/";
        try
        {
            BpfFs.EnsureMounted(dir);
        }
        catch (BpfException e)
        {
            throw new CliError($"can't mount BPF file system to pin the object ({file}): {e.Message}");
        }
        try
        {
            pin(file);
        }
        catch (BpfException e)
        {
            throw new CliError($"can't pin the object ({file}): {SharpBpf.Linux.Printing.MapElementPrinter.StrError(e.Errno)}");
        }
    }
}
