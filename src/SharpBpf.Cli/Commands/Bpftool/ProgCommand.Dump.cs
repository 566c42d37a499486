using System.CommandLine;
using SharpBpf.Linux;
using SharpBpf.Linux.Printing;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary><c>prog dump xlated|jited PROG [file FILE | opcodes | linum]</c>.</summary>
internal static partial class ProgCommand
{
    static partial void AddDump(Command prog)
    {
        var args = new Argument<string[]>("ARGS") { Description = "xlated|jited PROG [file FILE | opcodes | linum]", Arity = ArgumentArity.OneOrMore };
        var dump = new Command("dump", "Dump a program's translated instructions or JIT image: prog dump xlated|jited PROG [file FILE | opcodes | linum].") { args };
        dump.SetAction(p =>
        {
            var a = new BpftoolArgs(p.GetValue(args)!, "prog dump");
            bool jited;
            if (a.Accept("jited"))
                jited = true;
            else if (a.Accept("xlated"))
                jited = false;
            else
                throw new CliError($"prog dump: expected 'xlated' or 'jited', got: {a.Peek}", 2);
            if (a.AtEnd)
                throw new CliError("prog dump: expected PROG", 2);
            var programs = OpenPrograms(a, "prog dump");
            try
            {
                string? file = null;
                bool opcodes = false, linum = false;
                while (!a.AtEnd)
                {
                    if (a.Accept("file"))
                        file = a.Next("a file path");
                    else if (a.Accept("opcodes"))
                        opcodes = true;
                    else if (a.Accept("linum"))
                        linum = true;
                    else if (a.Accept("visual"))
                        throw new CliError("prog dump: 'visual' (the control flow graph in DOT) is not supported", 2);
                    else
                        throw a.Unexpected();
                }
                using var output = BpftoolOutput.Open(p);
                var symbols = KernelSymbols.Load();
                bool several = programs.Count > 1;
                if (output.Json is { } root && several)
                    root.StartArray();
                for (int i = 0; i < programs.Count; i++)
                {
                    if (several)
                    {
                        var entry = ProgramShowEntry.Read(programs[i]);
                        if (output.Json is { } j)
                        {
                            j.StartObject();
                            ProgramShowPrinter.WriteHeaderJson(j, entry);
                            j.Name("insns");
                        }
                        else
                        {
                            ProgramShowPrinter.WriteHeaderPlain(output.Text, entry);
                        }
                    }
                    Dump(programs[i], jited, file, opcodes, linum, symbols, output);
                    if (output.Json is { } j2 && several)
                        j2.EndObject();
                    else if (several && i != programs.Count - 1)
                        output.Text.Write('\n');
                }
                if (output.Json is { } root2 && several)
                    root2.EndArray();
            }
            finally
            {
                Dispose(programs);
            }
            return 0;
        });
        prog.Subcommands.Add(dump);
    }

    private static void Dump(KernelProgram program, bool jited, string? file, bool opcodes, bool linum, KernelSymbols symbols, BpftoolOutput output)
    {
        var code = ProgramCode.Read(program, jited);
        byte[] bytes = jited ? code.Jited : code.Xlated;
        if (bytes.Length == 0)
        {
            if (jited)
            {
                Console.Error.WriteLine("no instructions returned");
                return;
            }
            throw new CliError("prog dump: error retrieving insn dump: kernel.kptr_restrict set?");
        }
        if (file is not null)
        {
            File.WriteAllBytes(file, bytes);
            output.Json?.Null();
            return;
        }
        if (jited)
        {
            if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
                throw new CliError("prog dump jited: only x86-64 JIT images can be disassembled");
            var dumper = new JitedDumper(code, symbols);
            if (output.Json is { } j)
                dumper.WriteJson(j, opcodes, linum);
            else
                dumper.WritePlain(output.Text, opcodes, linum);
            return;
        }
        var xlated = new XlatedDumper(code, symbols);
        if (output.Json is { } json)
            xlated.WriteJson(json, opcodes, linum);
        else
            xlated.WritePlain(output.Text, opcodes, linum);
    }
}
