using System.CommandLine;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Text;

namespace SharpBpf.Cli.Commands;

/// <summary><c>sharpbpf btf dump file PATH [format raw|c]</c>, bpftool's grammar and output.</summary>
internal static partial class BtfCommand
{
    /// <summary>Kernel BTF subcommands (btf show|list), added where the kernel layer is.</summary>
    static partial void AddKernelCommands(Command btf);

    public static Command Create()
    {
        var baseBtf = new Option<string?>("--base-btf", "-B") { Description = "Base BTF for split BTF (as bpftool -B)." };
        var args = new Argument<string[]>("ARGS") { Description = "file PATH [format raw|c]", Arity = ArgumentArity.OneOrMore };
        var dump = new Command("dump", "Dump BTF types: btf dump file PATH [format raw|c].") { args, baseBtf };
        dump.SetAction(p =>
        {
            var a = new BpftoolArgs(p.GetValue(args)!, "btf dump");
            if (!a.Accept("file"))
                throw new CliError($"btf dump: unrecognized BTF source specifier: '{a.Peek}' (only 'file PATH' is supported offline)", 2);
            string path = a.Next("a BTF file");
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
            if (!File.Exists(path))
                throw new CliError($"{path}: no such file");
            BtfSpec? baseSpec = p.GetValue(baseBtf) is { } b ? BtfSpec.Load(b) : null;
            var btf = BtfFileLoader.Load(path, baseSpec);
            using var stdout = StandardOutput.Open();
            using var output = new Utf8Output(stdout);
            if (format == "c")
            {
                if (GlobalOptions.WantsJson(p))
                    throw new CliError("btf dump: JSON output for C-syntax dump is not supported");
                BtfCDumper.Dump(btf, output);
            }
            else if (GlobalOptions.WantsJson(p))
            {
                BtfJsonDumper.Dump(btf, output, GlobalOptions.WantsPretty(p));
            }
            else
            {
                BtfRawDumper.Dump(btf, output);
            }
            return 0;
        });
        var btfCommand = new Command("btf", "Inspect BTF (bpftool btf).") { dump };
        AddKernelCommands(btfCommand);
        return btfCommand;
    }
}
