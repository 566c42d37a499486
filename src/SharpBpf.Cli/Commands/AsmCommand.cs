using System.CommandLine;
using SharpBpf.Core;
using SharpBpf.Core.Files;

namespace SharpBpf.Cli.Commands;

/// <summary><c>sharpbpf asm FILE [-o OUT] [--syntax llvm|ubpf] [--format raw|hex|elf]</c>.</summary>
internal static class AsmCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "Assembly text (LLVM or uBPF syntax, auto-detected), or any program file." };
        var output = new Option<string?>("--output", "-o") { Description = "Write here instead of printing hex words on stdout." };
        var syntax = CommonOptions.Syntax("Input syntax (default: detected).", "llvm", "ubpf");
        var format = new Option<string>("--format") { Description = "Output format: raw (little-endian bytes), hex (0x%016x words) or elf (a BPF object file).", DefaultValueFactory = _ => "" };
        format.AcceptOnlyFromAmong("", "raw", "hex", "elf");
        var section = new Option<string>("--section") { Description = "ELF section (SEC() name, sets the program type) for --format elf.", DefaultValueFactory = _ => "socket" };
        var name = new Option<string>("--name") { Description = "Program (function) name for --format elf.", DefaultValueFactory = _ => "prog" };
        var license = new Option<string>("--license") { Description = "License string for --format elf.", DefaultValueFactory = _ => "GPL" };
        var cmd = new Command("asm", "Assemble a program.") { file, output, syntax, format, section, name, license };
        cmd.SetAction(p =>
        {
            var program = CommonOptions.LoadProgram(p.GetValue(file)!, CommonOptions.ParseSyntax(p.GetValue(syntax))).Instructions;
            string? outPath = p.GetValue(output);
            string fmt = p.GetValue(format) ?? "";
            if (fmt.Length == 0)
                fmt = outPath is null ? "hex" : "raw";
            if (fmt == "elf")
            {
                if (outPath is null)
                    throw new CliError("asm: --format elf needs -o FILE", 2);
                File.WriteAllBytes(outPath, SharpBpf.ObjectFile.Spec.CollectionWriter.WriteProgram(program, p.GetValue(section)!, p.GetValue(name)!, p.GetValue(license)!));
                return 0;
            }
            if (fmt == "raw")
            {
                var bytes = ProgramDecoder.Encode(program);
                if (outPath is null)
                {
                    using var stdout = StandardOutput.Open();
                    stdout.Write(bytes);
                }
                else
                {
                    File.WriteAllBytes(outPath, bytes);
                }
                return 0;
            }
            var text = ProgramFile.FormatHexWords(program);
            if (outPath is null)
                Console.Out.Write(text);
            else
                File.WriteAllText(outPath, text);
            return 0;
        });
        return cmd;
    }
}
