using System.CommandLine;
using System.CommandLine.Invocation;
using SharpBpf.Cli.Commands.Bpftool;
using SharpBpf.Linux;
using SharpBpf.Linux.Printing;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Text;

namespace SharpBpf.Cli.Commands;

/// <summary><c>btf show|list [id ID]</c> and <c>btf dump id ID [format raw|c]</c>: BTF objects in the kernel.</summary>
internal static partial class BtfCommand
{
    static partial void AddKernelCommands(Command btf)
    {
        var args = new Argument<string[]>("BTF") { Description = "id ID", Arity = ArgumentArity.ZeroOrMore };
        var show = new Command("show", "Show BTF objects in the kernel: btf show [id ID] (bpftool btf show).") { args };
        show.Aliases.Add("list");
        show.SetAction(p => Show(BpftoolGlobals.From(p), p.GetValue(args)!));
        btf.Subcommands.Add(show);

        // btf dump id ID: the lead's dump command reads files; ids are added here in front of it.
        var dump = btf.Subcommands.First(c => c.Name == "dump");
        var dumpArgs = (Argument<string[]>)dump.Arguments[0];
        var baseOption = dump.Options.OfType<Option<string?>>().First(o => o.Name == "--base-btf");
        var fileAction = (SynchronousCommandLineAction)dump.Action!;
        dump.Description = "Dump BTF types: btf dump file PATH | id ID [format raw|c].";
        dump.SetAction(p =>
        {
            var raw = p.GetValue(dumpArgs)!;
            if (raw.Length == 0 || !BpftoolArgs.IsPrefix(raw[0], "id") || BpftoolArgs.IsPrefix(raw[0], "file"))
                return fileAction.Invoke(p);
            return DumpById(p, new BpftoolArgs(raw, "btf dump"), p.GetValue(baseOption));
        });
    }

    /// <summary>btf show|list [id ID].</summary>
    internal static int Show(BpftoolGlobals g, IReadOnlyList<string> words)
    {
        var a = new BpftoolArgs(words, "btf show");
        uint? only = null;
        if (!a.AtEnd)
        {
            if (!a.Accept("id"))
                throw new CliError($"btf show: expected 'id', got: '{a.Peek}'?", 2);
            string text = a.Next("a BTF id");
            if (!CNumbers.TryParseUnsigned(text, 0, out ulong id) || id > uint.MaxValue)
                throw new CliError($"btf show: can't parse {text} as ID", 2);
            if (!a.AtEnd)
                throw a.Unexpected();
            only = (uint)id;
        }
        using var single = only is { } wanted ? ProgCommand.Fail(() => KernelBtf.FromId(wanted), $"get btf by id ({wanted})") : null;
        var users = BtfUsers.Read();
        using var output = BpftoolOutput.Open(g);
        if (single is not null)
        {
            Show(output, single.GetInfo(), users);
            return 0;
        }
        output.Json?.StartArray();
        foreach (var b in KernelObjectIds.OpenBtfs())
        {
            using (b)
                Show(output, b.GetInfo(), users);
        }
        output.Json?.EndArray();
        return 0;
    }

    private static void Show(BpftoolOutput output, BtfInfo info, BtfUsers users)
    {
        if (output.Json is { } j)
            BtfShowPrinter.WriteJson(j, info, users);
        else
            BtfShowPrinter.WritePlain(output.Text, info, users);
    }

    private static int DumpById(ParseResult p, BpftoolArgs a, string? basePath)
    {
        a.Accept("id");
        string text = a.Next("a BTF id");
        if (!CNumbers.TryParseUnsigned(text, 0, out ulong id) || id > uint.MaxValue)
            throw new CliError($"btf dump: can't parse {text} as ID", 2);
        string format = "raw";
        while (!a.AtEnd)
        {
            if (a.Accept("format"))
            {
                format = a.Next("a value for 'format'");
                if (format is not ("raw" or "c"))
                    throw new CliError($"btf dump: unrecognized format specifier: '{format}', possible values: raw, c", 2);
            }
            else
            {
                throw a.Unexpected();
            }
        }
        using var kernelBtf = ProgCommand.Fail(() => KernelBtf.FromId((uint)id), $"get btf by id ({id})");
        var info = kernelBtf.GetInfo();
        // A module's BTF is split BTF on vmlinux's: without -B, vmlinux is its base.
        BtfSpec? baseSpec = basePath is not null ? BtfSpec.Load(basePath)
            : info.IsKernel && info.Name != "vmlinux" ? BtfSpec.Load("/sys/kernel/btf/vmlinux") : null;
        var spec = kernelBtf.ReadSpec(baseSpec);
        using var stdout = StandardOutput.Open();
        using var output = new Utf8Output(stdout);
        if (format == "c")
        {
            if (GlobalOptions.WantsJson(p))
                throw new CliError("btf dump: JSON output for C-syntax dump is not supported");
            BtfCDumper.Dump(spec, output);
        }
        else if (GlobalOptions.WantsJson(p))
        {
            BtfJsonDumper.Dump(spec, output, GlobalOptions.WantsPretty(p));
        }
        else
        {
            BtfRawDumper.Dump(spec, output);
        }
        return 0;
    }
}
