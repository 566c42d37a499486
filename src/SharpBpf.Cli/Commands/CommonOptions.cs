using System.CommandLine;
using SharpBpf.Core.Files;
using SharpBpf.Core.Formatting;

namespace SharpBpf.Cli.Commands;

/// <summary>Options and helpers several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string?> Syntax(string description, params string[] allowed)
    {
        var o = new Option<string?>("--syntax") { Description = description };
        o.AcceptOnlyFromAmong(allowed);
        return o;
    }

    public static AsmSyntax? ParseSyntax(string? text) => text switch
    {
        null => null,
        "ubpf" => AsmSyntax.Ubpf,
        "kernel" => AsmSyntax.Kernel,
        _ => AsmSyntax.Llvm,
    };

    /// <summary>Reads a program file, with errors naming the file.</summary>
    public static ProgramFile LoadProgram(string path, AsmSyntax? syntax)
    {
        if (!File.Exists(path))
            throw new CliError($"{path}: no such file");
        return ProgramFile.Load(path, syntax);
    }
}
