using System.CommandLine;
using System.Globalization;
using System.Text;
using SharpBpf.Linux;
using SharpBpf.Linux.Printing;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary><c>prog show|list [PROG]</c>, and what the prog subcommands share: PROG parsing and output.</summary>
internal static partial class ProgCommand
{
    static partial void AddShow(Command prog)
    {
        var args = new Argument<string[]>("PROG") { Description = "id ID | tag TAG | name NAME | pinned FILE", Arity = ArgumentArity.ZeroOrMore };
        var show = new Command("show", "Show programs in the kernel: prog show [PROG] (bpftool prog show).") { args };
        show.Aliases.Add("list");
        show.SetAction(p => Show(BpftoolGlobals.From(p), p.GetValue(args)!));
        prog.Subcommands.Add(show);
    }

    /// <summary>prog show|list [PROG].</summary>
    internal static int Show(BpftoolGlobals g, IReadOnlyList<string> words)
    {
        var pins = g.BpfFs ? PinnedObjects.Find(PinnedObjectKind.Program) : null;
        return ShowObjects(g, new BpftoolArgs(words, "prog show"), a => OpenPrograms(a, "prog show"), KernelObjectIds.OpenPrograms,
            (output, program) => Show(output, ProgramShowEntry.Read(program), pins));
    }

    /// <summary>
    /// bpftool's do_show for programs and maps: the objects the arguments select (a JSON array when more than
    /// one), or every object of the kind in the kernel.
    /// </summary>
    internal static int ShowObjects<T>(BpftoolGlobals g, BpftoolArgs a, Func<BpftoolArgs, List<T>> select, Func<IEnumerable<T>> all, Action<BpftoolOutput, T> show)
        where T : class, IDisposable
    {
        using var output = BpftoolOutput.Open(g);
        if (!a.AtEnd)
        {
            var selected = select(a);
            try
            {
                if (!a.AtEnd)
                    throw a.Unexpected();
                var array = selected.Count > 1 ? output.Json : null;
                array?.StartArray();
                foreach (var o in selected)
                    show(output, o);
                array?.EndArray();
            }
            finally
            {
                Dispose(selected);
            }
            return 0;
        }
        output.Json?.StartArray();
        foreach (var o in all())
        {
            using (o)
                show(output, o);
        }
        output.Json?.EndArray();
        return 0;
    }

    private static void Show(BpftoolOutput output, ProgramShowEntry entry, IReadOnlyDictionary<uint, List<string>>? pins)
    {
        if (output.Json is { } j)
            ProgramShowPrinter.WriteJson(j, entry, pins);
        else
            ProgramShowPrinter.WritePlain(output.Text, entry, pins);
    }

    /// <summary>
    /// PROG as bpftool's prog_parse_fds takes it: <c>id ID</c>, <c>pinned FILE</c> (one program),
    /// <c>tag TAG</c> or <c>name NAME</c> (every program with that tag or name).
    /// </summary>
    internal static List<KernelProgram> OpenPrograms(BpftoolArgs a, string command)
    {
        if (a.Accept("id"))
        {
            string text = a.Next("a program id");
            if (!CNumbers.TryParseUnsigned(text, 0, out ulong id) || id > uint.MaxValue)
                throw new CliError($"{command}: can't parse {text} as ID", 2);
            return [Fail(() => KernelProgram.FromId((uint)id), $"get by id ({id})")];
        }
        if (a.Accept("pinned"))
        {
            string path = a.Next("a pinned path");
            return [OpenPinned(path)];
        }
        bool byTag = a.Accept("tag");
        if (byTag || a.Accept("name"))
        {
            string wanted = a.Next(byTag ? "a tag" : "a name");
            if (byTag && (wanted.Length != 16 || !wanted.All(char.IsAsciiHexDigit)))
                throw new CliError($"{command}: can't parse tag", 2);
            if (!byTag && Encoding.UTF8.GetByteCount(wanted) > 127) // MAX_PROG_FULL_NAME - 1
                throw new CliError($"{command}: can't parse name", 2);
            var found = new List<KernelProgram>();
            foreach (var program in KernelObjectIds.OpenPrograms())
            {
                var info = program.GetInfo();
                bool match = byTag
                    ? string.Equals(info.Tag, wanted, StringComparison.OrdinalIgnoreCase)
                    : wanted.Length > 15 ? ProgramShowEntry.FullNameOf(program, info) == wanted : info.Name == wanted;
                if (match)
                    found.Add(program);
                else
                    program.Dispose();
            }
            if (found.Count == 0)
                throw new CliError($"{command}: no program with {(byTag ? "tag" : "name")} '{wanted}'");
            return found;
        }
        throw new CliError($"{command}: expected 'id', 'tag', 'name' or 'pinned', got: '{a.Peek}'?", 2);
    }

    /// <summary>PROG naming exactly one program.</summary>
    internal static KernelProgram OpenProgram(BpftoolArgs a, string command)
    {
        var programs = OpenPrograms(a, command);
        if (programs.Count > 1)
        {
            Dispose(programs);
            throw new CliError($"{command}: several programs match this handle");
        }
        return programs[0];
    }

    private static KernelProgram OpenPinned(string path)
    {
        // open_obj_pinned_any: the pin must hold a program.
        var program = Fail(() => KernelProgram.OpenPinned(path), $"bpf obj get ({path})");
        if (PinnedObjects.KindOf(program.Fd) is { } kind && kind != PinnedObjectKind.Program)
        {
            program.Dispose();
            throw new CliError($"incorrect object type: {kind.ToString().ToLowerInvariant()}");
        }
        return program;
    }

    internal static T Fail<T>(Func<T> open, string what)
    {
        try
        {
            return open();
        }
        catch (BpfException e)
        {
            throw new CliError($"{what}: {MapElementPrinter.StrError(e.Errno)}");
        }
    }

    internal static void Dispose(IEnumerable<IDisposable> objects)
    {
        foreach (var o in objects)
            o.Dispose();
    }
}

/// <summary>Where a bpftool-style command prints: stdout, and with -j/-p the JSON writer over it (closed with bpftool's newline).</summary>
internal sealed class BpftoolOutput : IDisposable
{
    private BpftoolOutput(TextWriter text, BpftoolJsonWriter? json)
    {
        Text = text;
        Json = json;
    }

    public TextWriter Text { get; }

    public BpftoolJsonWriter? Json { get; }

    public static BpftoolOutput Open(ParseResult p) => Open(BpftoolGlobals.From(p));

    public static BpftoolOutput Open(BpftoolGlobals g)
    {
        var text = new StreamWriter(StandardOutput.Open(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false, NewLine = "\n" };
        return new BpftoolOutput(text, g.Json ? new BpftoolJsonWriter(text, g.Pretty) : null);
    }

    public void Dispose()
    {
        // bpftool's jsonw_destroy at exit: the newline after the document.
        Json?.Finish();
        Text.Flush();
        Text.Dispose();
    }
}

/// <summary>C's strtoul as bpftool uses it for ids, sizes and bytes.</summary>
internal static class CNumbers
{
    /// <summary>strtoul(text, &amp;end, base) with *end == '\0' (<see cref="SharpBpf.Core.CLibrary.TryStrtoull"/>; past 64 bits, wrapped).</summary>
    public static bool TryParseUnsigned(string text, int numberBase, out ulong value) =>
        SharpBpf.Core.CLibrary.TryStrtoull(text, numberBase, out value, out int end, out _) && end == text.Length;

    public static uint ParseU32(BpftoolArgs a, string what, string command)
    {
        string text = a.Next(what);
        if (!TryParseUnsigned(text, 0, out ulong v))
            throw new CliError($"{command}: can't parse {text} as {what}", 2);
        return (uint)v;
    }

    public static string Text(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
