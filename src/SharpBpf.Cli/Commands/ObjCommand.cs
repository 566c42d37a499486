using System.CommandLine;
using SharpBpf.ObjectFile.Printing;
using SharpBpf.ObjectFile.Text;

namespace SharpBpf.Cli.Commands;

/// <summary><c>sharpbpf obj show OBJ</c> and <c>sharpbpf obj dump OBJ [--section S] [--source]</c>.</summary>
internal static class ObjCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("OBJ") { Description = "A BPF ELF object (clang -target bpf)." };
        var show = new Command("show", "Sections, programs, maps, global data, relocations and BTF of an object.") { file };
        show.SetAction(p =>
        {
            var view = Load(p.GetValue(file)!);
            if (GlobalOptions.WantsJson(p))
            {
                using var stdout = StandardOutput.Open();
                using var output = new Utf8Output(stdout);
                ObjectShowPrinter.Json(view, output, GlobalOptions.WantsPretty(p));
            }
            else
            {
                ObjectShowPrinter.Text(view, Console.Out);
            }
            return 0;
        });

        var dumpFile = new Argument<string>("OBJ") { Description = "A BPF ELF object." };
        var section = new Option<string?>("--section") { Description = "Only this section." };
        var source = new Option<bool>("--source", "-S") { Description = "Interleave the C source lines from BTF line_info." };
        var syntax = CommonOptions.Syntax("Instruction syntax: llvm (default), ubpf or kernel.", "llvm", "ubpf", "kernel");
        var dump = new Command("dump", "Disassemble every program of an object with maps, data and calls named.") { dumpFile, section, source, syntax };
        dump.SetAction(p =>
        {
            var view = Load(p.GetValue(dumpFile)!);
            var formatter = SharpBpf.Core.Formatting.Disassembler.FormatterFor(
                CommonOptions.ParseSyntax(p.GetValue(syntax)) ?? SharpBpf.Core.Formatting.AsmSyntax.Llvm);
            try
            {
                ObjectDumpPrinter.Dump(view, Console.Out, p.GetValue(section), p.GetValue(source), formatter);
            }
            catch (ArgumentException e)
            {
                throw new CliError($"obj dump: {e.Message}");
            }
            return 0;
        });
        return new Command("obj", "Inspect BPF object files.") { show, dump, ObjCoreCommand.Create() };
    }

    private static ObjectFileView Load(string path)
    {
        if (!File.Exists(path))
            throw new CliError($"{path}: no such file");
        return ObjectFileView.Load(path);
    }
}
