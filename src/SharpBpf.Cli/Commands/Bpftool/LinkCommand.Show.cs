using System.CommandLine;
using SharpBpf.Linux;
using SharpBpf.Linux.Attach;
using SharpBpf.Linux.Printing;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary>
/// <c>link show|list [LINK]</c>, <c>link pin LINK FILE</c>, <c>link detach LINK</c> and
/// <c>perf show|list</c>, as bpftool's link.c and perf.c: LINK is <c>id ID</c> or <c>pinned FILE</c>.
/// </summary>
internal static partial class LinkCommand
{
    static partial void AddLinkCommands(Command link)
    {
        var showArgs = new Argument<string[]>("LINK") { Description = "id ID | pinned FILE", Arity = ArgumentArity.ZeroOrMore };
        var show = new Command("show", "Show links in the kernel: link show [LINK] (bpftool link show).") { showArgs };
        show.Aliases.Add("list");
        show.SetAction(p => Show(BpftoolGlobals.From(p), p.GetValue(showArgs)!));
        link.Subcommands.Add(show);
        // bpftool's cmd_select: "link" alone is "link show".
        link.SetAction(p => Show(BpftoolGlobals.From(p), []));

        var pinArgs = new Argument<string[]>("ARGS") { Description = "LINK FILE", Arity = ArgumentArity.ZeroOrMore };
        var pin = new Command("pin", "Pin a link on a bpffs: link pin LINK FILE (bpftool link pin).") { pinArgs };
        pin.SetAction(p =>
        {
            var a = new BpftoolArgs(p.GetValue(pinArgs)!, "link pin");
            if (p.GetValue(pinArgs)!.Length < 3)
                throw new CliError("link pin: expected LINK FILE", 2);
            using var kernelLink = OpenLink(a, "link pin");
            string file = a.Next("a file to pin at");
            if (!a.AtEnd)
                throw a.Unexpected();
            PinAt(kernelLink, file);
            WriteNull(p);
            return 0;
        });
        link.Subcommands.Add(pin);

        var detachArgs = new Argument<string[]>("LINK") { Description = "id ID | pinned FILE", Arity = ArgumentArity.ZeroOrMore };
        var detach = new Command("detach", "Detach a link's program, the link staying open: link detach LINK (bpftool link detach).") { detachArgs };
        detach.SetAction(p =>
        {
            var given = p.GetValue(detachArgs)!;
            if (given.Length != 2)
                throw new CliError("link detach: link specifier is invalid or missing", 2);
            using var kernelLink = OpenLink(new BpftoolArgs(given, "link detach"), "link detach");
            try
            {
                kernelLink.Detach();
            }
            catch (BpfException e)
            {
                throw new CliError($"failed link detach: {MapElementPrinter.StrError(e.Errno)}");
            }
            WriteNull(p);
            return 0;
        });
        link.Subcommands.Add(detach);
    }

    static partial void AddPerfCommands(Command perf)
    {
        var show = new Command("show", "Show programs attached to perf events and raw tracepoints, by process and fd (bpftool perf show).");
        show.Aliases.Add("list");
        show.SetAction(p => ShowPerf(BpftoolGlobals.From(p)));
        perf.Subcommands.Add(show);
        // "perf" alone is "perf show", as in bpftool.
        perf.SetAction(p => ShowPerf(BpftoolGlobals.From(p)));
    }

    /// <summary>perf show|list.</summary>
    internal static int ShowPerf(BpftoolGlobals g)
    {
        try
        {
            TaskFdQuery.EnsureSupported();
        }
        catch (BpfException e)
        {
            throw new CliError($"perf_query_support: {MapElementPrinter.StrError(e.Errno)} (non root or kernel doesn't support TASK_FD_QUERY)");
        }
        using var output = BpftoolOutput.Open(g);
        output.Json?.StartArray();
        foreach (var found in TaskFdQuery.All())
        {
            if (output.Json is { } j)
                WritePerfJson(j, found);
            else
                WritePerfPlain(output.Text, found);
        }
        output.Json?.EndArray();
        return 0;
    }

    /// <summary>link show|list [LINK].</summary>
    internal static int Show(BpftoolGlobals g, IReadOnlyList<string> words)
    {
        var a = new BpftoolArgs(words, "link show");
        var pins = g.BpfFs ? PinnedObjects.Find(PinnedObjectKind.Link) : null;
        KernelSymbols? symbols = null;
        if (!a.AtEnd)
        {
            using var one = OpenLink(a, "link show");
            if (!a.AtEnd)
                throw a.Unexpected();
            var entry = Read(one);
            using var single = BpftoolOutput.Open(g);
            Write(single, entry, pins, ref symbols);
            return 0;
        }
        using var output = BpftoolOutput.Open(g);
        output.Json?.StartArray();
        foreach (var link in KernelObjectIds.OpenLinks())
        {
            using (link)
                Write(output, Read(link), pins, ref symbols);
        }
        output.Json?.EndArray();
        return 0;
    }

    private static LinkShowEntry Read(KernelLink link)
    {
        try
        {
            return LinkShowEntry.Read(link);
        }
        catch (BpfException e)
        {
            throw new CliError($"can't get link info: {MapElementPrinter.StrError(e.Errno)}");
        }
    }

    private static void Write(BpftoolOutput output, LinkShowEntry entry, IReadOnlyDictionary<uint, List<string>>? pins, ref KernelSymbols? symbols)
    {
        // kallsyms is read once, and only for kprobe_multi links, as bpftool's dd.sym_count.
        if (entry.Info.Type == SharpBpf.Core.LinkType.KprobeMulti)
            symbols ??= KernelSymbols.Load();
        if (output.Json is { } j)
            LinkShowPrinter.WriteJson(j, entry, pins, symbols);
        else
            LinkShowPrinter.WritePlain(output.Text, entry, pins, symbols);
    }

    /// <summary>LINK as bpftool's link_parse_fd takes it: <c>id ID</c> or <c>pinned FILE</c>.</summary>
    private static KernelLink OpenLink(BpftoolArgs a, string command)
    {
        if (a.Accept("id"))
        {
            string text = a.Next("a link id");
            if (!CNumbers.TryParseUnsigned(text, 0, out ulong id) || id > uint.MaxValue)
                throw new CliError($"{command}: can't parse {text} as ID", 2);
            try
            {
                return KernelLink.FromId((uint)id);
            }
            catch (BpfException e)
            {
                // bpftool prints the id with %d.
                throw new CliError($"failed to get link with ID {(int)id}: {MapElementPrinter.StrError(e.Errno)}");
            }
        }
        if (a.Accept("pinned"))
        {
            string path = a.Next("a pinned path");
            var link = ProgCommand.Fail(() => KernelLink.OpenPinned(path), $"bpf obj get ({path})");
            if (PinnedObjects.KindOf(link.Fd) is { } kind && kind != PinnedObjectKind.Link)
            {
                link.Dispose();
                throw new CliError($"incorrect object type: {kind.ToString().ToLowerInvariant()}");
            }
            return link;
        }
        throw new CliError($"{command}: expected 'id' or 'pinned', got: '{a.Peek}'?", 2);
    }

    // bpftool's do_pin_fd: mount a bpffs on the file's directory when it has none (mount_bpffs_for_pin).
    private static void PinAt(KernelLink link, string file)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? "/";
        try
        {
            if (!BpfFs.IsBpfFs(directory))
                BpfFs.EnsureMounted(directory);
        }
        catch (BpfException e)
        {
            throw new CliError($"can't mount BPF file system to pin the object ({file}): {e.Message}");
        }
        try
        {
            link.Pin(file);
        }
        catch (BpfException e)
        {
            throw new CliError($"can't pin the object ({file}): {MapElementPrinter.StrError(e.Errno)}");
        }
    }

    // bpftool prints "null" for a command without output under -j.
    private static void WriteNull(ParseResult p)
    {
        if (!GlobalOptions.WantsJson(p))
            return;
        using var output = BpftoolOutput.Open(p);
        output.Json!.Null();
    }

    // perf.c, print_perf_plain.
    private static void WritePerfPlain(TextWriter w, TaskFdInfo found)
    {
        w.Write($"pid {found.Pid}  fd {found.Fd}: prog_id {found.ProgramId}  ");
        switch (found.Type)
        {
            case TaskFdType.RawTracepoint:
                w.Write($"raw_tracepoint  {found.Name}\n");
                break;
            case TaskFdType.Tracepoint:
                w.Write($"tracepoint  {found.Name}\n");
                break;
            case TaskFdType.Kprobe or TaskFdType.Kretprobe:
            {
                string kind = found.Type == TaskFdType.Kprobe ? "kprobe" : "kretprobe";
                w.Write(found.Name.Length > 0 ? $"{kind}  func {found.Name}  offset {found.ProbeOffset}\n" : $"{kind}  addr {found.ProbeAddress}\n");
                break;
            }
            case TaskFdType.Uprobe:
                w.Write($"uprobe  filename {found.Name}  offset {found.ProbeOffset}\n");
                break;
            case TaskFdType.Uretprobe:
                w.Write($"uretprobe  filename {found.Name}  offset {found.ProbeOffset}\n");
                break;
        }
    }

    // perf.c, print_perf_json.
    private static void WritePerfJson(BpftoolJsonWriter j, TaskFdInfo found)
    {
        j.StartObject();
        j.IntField("pid", found.Pid);
        j.IntField("fd", found.Fd);
        j.UIntField("prog_id", found.ProgramId);
        switch (found.Type)
        {
            case TaskFdType.RawTracepoint or TaskFdType.Tracepoint:
                j.StringField("fd_type", found.Type == TaskFdType.Tracepoint ? "tracepoint" : "raw_tracepoint");
                j.StringField("tracepoint", found.Name);
                break;
            case TaskFdType.Kprobe or TaskFdType.Kretprobe:
                j.StringField("fd_type", found.Type == TaskFdType.Kprobe ? "kprobe" : "kretprobe");
                if (found.Name.Length > 0)
                {
                    j.StringField("func", found.Name);
                    j.UIntField("offset", found.ProbeOffset);
                }
                else
                {
                    j.UIntField("addr", found.ProbeAddress);
                }
                break;
            case TaskFdType.Uprobe or TaskFdType.Uretprobe:
                j.StringField("fd_type", found.Type == TaskFdType.Uprobe ? "uprobe" : "uretprobe");
                j.StringField("filename", found.Name);
                j.UIntField("offset", found.ProbeOffset);
                break;
        }
        j.EndObject();
    }
}
