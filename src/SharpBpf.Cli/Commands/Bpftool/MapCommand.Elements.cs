using System.Buffers.Binary;
using System.CommandLine;
using SharpBpf.Core;
using SharpBpf.Core.Maps;
using SharpBpf.Linux;
using SharpBpf.Linux.Printing;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary><c>map lookup|update|delete|getnext</c>, with bpftool's element grammar (map.c, parse_elem).</summary>
internal static partial class MapCommand
{
    static partial void AddElements(Command map)
    {
        map.Subcommands.Add(Element("lookup", "MAP key DATA", "Look up the value of a key: map lookup MAP key DATA.", (a, output) =>
        {
            using var m = OpenMap(a, "map lookup");
            var info = m.GetInfo();
            var elem = ParseElement(a, info, "map lookup", wantKey: true, wantValue: false, allowFlags: false);
            var value = new byte[m.ValueBufferSize];
            bool found;
            try
            {
                found = m.TryLookup(elem.Key, value);
            }
            catch (BpfException e)
            {
                throw new CliError($"lookup failed: {MapElementPrinter.StrError(e.Errno)}");
            }
            if (found)
            {
                MapDump.WriteElement(info, elem.Key, value, output.Text, output.Json);
                return 0;
            }
            MapDump.WriteNotFound(info, elem.Key, output.Text, output.Json);
            return 1;
        }));

        map.Subcommands.Add(Element("update", "MAP [key DATA] [value VALUE] [UPDATE_FLAGS]", "Update or add an element: map update MAP [key DATA] [value VALUE] [any|exist|noexist].", (a, output) =>
        {
            using var m = OpenMap(a, "map update");
            var info = m.GetInfo();
            var elem = ParseElement(a, info, "map update", wantKey: info.KeySize != 0, wantValue: info.ValueSize != 0, allowFlags: true);
            try
            {
                var value = elem.Value;
                if (elem.ValueObject is { } fdObject)
                {
                    value = new byte[4];
                    BinaryPrimitives.WriteInt32LittleEndian(value, fdObject.Value);
                }
                m.Update(elem.Key, value, elem.Flags);
            }
            catch (BpfException e)
            {
                throw new CliError($"update failed: {MapElementPrinter.StrError(e.Errno)}");
            }
            finally
            {
                elem.Owner?.Dispose();
            }
            output.Json?.Null();
            return 0;
        }));

        map.Subcommands.Add(Element("delete", "MAP key DATA", "Delete an element: map delete MAP key DATA.", (a, output) =>
        {
            using var m = OpenMap(a, "map delete");
            var info = m.GetInfo();
            var elem = ParseElement(a, info, "map delete", wantKey: true, wantValue: false, allowFlags: false);
            bool deleted;
            try
            {
                deleted = m.Delete(elem.Key);
            }
            catch (BpfException e)
            {
                throw new CliError($"delete failed: {MapElementPrinter.StrError(e.Errno)}");
            }
            if (!deleted)
                throw new CliError($"delete failed: {MapElementPrinter.StrError(Errno.ENOENT)}");
            output.Json?.Null();
            return 0;
        }));

        map.Subcommands.Add(Element("getnext", "MAP [key DATA]", "The key after KEY (or the first key): map getnext MAP [key DATA].", (a, output) =>
        {
            using var m = OpenMap(a, "map getnext");
            var info = m.GetInfo();
            bool hasKey = !a.AtEnd;
            var key = hasKey ? ParseElement(a, info, "map getnext", wantKey: true, wantValue: false, allowFlags: false).Key : [];
            var next = new byte[info.KeySize];
            bool more;
            try
            {
                more = m.TryGetNextKey(hasKey ? key : default, next);
            }
            catch (BpfException e)
            {
                throw new CliError($"can't get next key: {MapElementPrinter.StrError(e.Errno)}");
            }
            if (!more)
                throw new CliError($"can't get next key: {MapElementPrinter.StrError(Errno.ENOENT)}");
            MapDump.WriteNextKey(info, key, hasKey, next, output.Text, output.Json);
            return 0;
        }));
    }

    private static Command Element(string name, string usage, string description, Func<BpftoolArgs, BpftoolOutput, int> action)
    {
        var args = new Argument<string[]>("ARGS") { Description = usage, Arity = ArgumentArity.OneOrMore };
        var command = new Command(name, description) { args };
        command.SetAction(p =>
        {
            var a = new BpftoolArgs(p.GetValue(args)!, "map " + name);
            using var output = BpftoolOutput.Open(p);
            return action(a, output);
        });
        return command;
    }

    /// <summary>A parsed element: key and value bytes, or for a map of maps / program array the object whose fd is the value.</summary>
    private sealed class ParsedElement
    {
        public byte[] Key { get; set; } = [];
        public byte[] Value { get; set; } = [];
        public BpfFileDescriptor? ValueObject { get; set; }
        public IDisposable? Owner { get; set; }
        public MapUpdateFlags Flags { get; set; } = MapUpdateFlags.Any;
    }

    // parse_elem: key, value and flags in any order, each at most once.
    private static ParsedElement ParseElement(BpftoolArgs a, MapInfo info, string command, bool wantKey, bool wantValue, bool allowFlags)
    {
        var elem = new ParsedElement();
        bool haveKey = false, haveValue = false, haveFlags = false;
        while (!a.AtEnd)
        {
            if (a.Accept("key"))
            {
                if (!wantKey || haveKey)
                    throw new CliError($"{command}: {(haveKey ? "duplicate key" : "unnecessary key")}", 2);
                elem.Key = ParseBytes(a, "key", info.KeySize, command);
                haveKey = true;
            }
            else if (a.Accept("value"))
            {
                if (!wantValue || haveValue)
                    throw new CliError($"{command}: {(haveValue ? "duplicate value" : "unnecessary value")}", 2);
                ParseValue(a, info, command, elem);
                haveValue = true;
            }
            else if (allowFlags && (a.Peek is { } f && (BpftoolArgs.IsPrefix(f, "any") || BpftoolArgs.IsPrefix(f, "noexist") || BpftoolArgs.IsPrefix(f, "exist"))))
            {
                if (haveFlags)
                    throw new CliError($"{command}: flags specified multiple times: {f}", 2);
                elem.Flags = a.Accept("any") ? MapUpdateFlags.Any : a.Accept("noexist") ? MapUpdateFlags.NoExist : Exist(a);
                haveFlags = true;
            }
            else
            {
                throw new CliError($"{command}: expected key or value, got: {a.Peek}", 2);
            }
        }
        if (wantKey && !haveKey)
            throw new CliError($"{command}: did not find key", 2);
        if (wantValue && !haveValue)
            throw new CliError($"{command}: did not find value", 2);
        return elem;
    }

    private static MapUpdateFlags Exist(BpftoolArgs a)
    {
        a.Accept("exist");
        return MapUpdateFlags.Exist;
    }

    private static void ParseValue(BpftoolArgs a, MapInfo info, string command, ParsedElement elem)
    {
        if (info.Type is MapType.ArrayOfMaps or MapType.HashOfMaps)
        {
            if (info.ValueSize != 4)
                throw new CliError($"{command}: value smaller than 4B for map in map?");
            var inner = OpenMap(a, command);
            elem.ValueObject = inner.Fd;
            elem.Owner = inner;
            return;
        }
        if (info.Type == MapType.ProgArray)
        {
            if (info.ValueSize != 4)
                throw new CliError($"{command}: value smaller than 4B for map of progs?");
            if (a.Peek is { } first && BpftoolArgs.IsPrefix(first, "id"))
                Console.Error.WriteLine("Warning: updating program array via MAP_ID, make sure this map is kept open\n         by some process or pinned otherwise update will be lost");
            var program = ProgCommand.OpenProgram(a, command);
            elem.ValueObject = program.Fd;
            elem.Owner = program;
            return;
        }
        var value = ParseBytes(a, "value", info.ValueSize, command);
        if (!BpfMapLayout.IsPerCpu(info.Type))
        {
            elem.Value = value;
            return;
        }
        // fill_per_cpu_value: the same value for every possible CPU.
        int stride = BpfMapLayout.PerCpuStride(info.ValueSize);
        var all = new byte[BpfMapLayout.ValueBufferSize(info.Type, info.ValueSize, LinuxKernel.PossibleCpus)];
        for (int cpu = 0; cpu < LinuxKernel.PossibleCpus; cpu++)
            value.CopyTo(all, cpu * stride);
        elem.Value = all;
    }

    /// <summary>parse_bytes: N bytes as strtoul reads them (0x.. hex, 0.. octal, decimal), or after <c>hex</c> all in hex.</summary>
    internal static byte[] ParseBytes(BpftoolArgs a, string name, int n, string command)
    {
        int numberBase = a.Accept("hex") ? 16 : 0;
        var bytes = new byte[n];
        int i = 0;
        while (i < n && !a.AtEnd)
        {
            string text = a.Next("a byte");
            if (!CNumbers.TryParseUnsigned(text, numberBase, out ulong v))
                throw new CliError($"{command}: error parsing byte: {text}", 2);
            bytes[i++] = (byte)v;
        }
        if (i != n)
            throw new CliError($"{command}: {name} expected {n} bytes got {i}", 2);
        return bytes;
    }
}
