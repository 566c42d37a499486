using System.CommandLine;
using System.Text;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Files;
using SharpBpf.Core.Formatting;

namespace SharpBpf.Cli.Commands;

/// <summary><c>sharpbpf disasm FILE [--syntax llvm|ubpf|kernel]</c>.</summary>
internal static class DisasmCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A program file: .bin, .hex, .data or assembly." };
        var syntax = CommonOptions.Syntax("Output syntax: llvm (default), ubpf, or kernel (bpftool's xlated form).", "llvm", "ubpf", "kernel");
        var cmd = new Command("disasm", "Disassemble a program, one instruction a line (ADDR: BYTES  TEXT, as llvm-objdump).") { file, syntax };
        cmd.SetAction(p =>
        {
            string path = p.GetValue(file)!;
            var loaded = CommonOptions.LoadProgram(path, null);
            IReadOnlyDictionary<int, string>? labels = null;
            if (loaded.Kind == ProgramFileKind.Assembly)
                Assembler.TryAssemble(Encoding.UTF8.GetString(File.ReadAllBytes(path)), null, out _, out labels, out _, path);
            var formatter = Disassembler.FormatterFor(CommonOptions.ParseSyntax(p.GetValue(syntax)) ?? AsmSyntax.Llvm);
            Console.Out.Write(Disassembler.Listing(loaded.Instructions, formatter, labels));
            return 0;
        });
        return cmd;
    }
}
