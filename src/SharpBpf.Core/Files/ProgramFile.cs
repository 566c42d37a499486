using System.Globalization;
using System.Text;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Diagnostics;
using SharpBpf.Core.Formatting;

namespace SharpBpf.Core.Files;

/// <summary>The kinds of program files, recognised by content and extension.</summary>
public enum ProgramFileKind
{
    /// <summary>Raw little-endian instructions (<c>.bin</c>).</summary>
    Raw,
    /// <summary>One <c>0x%016x</c> word a line (<c>.hex</c>, ../shared/bench/bytecode).</summary>
    Hex,
    /// <summary>A bpf_conformance test (<c>.data</c>).</summary>
    Conformance,
    /// <summary>Assembly text in either syntax.</summary>
    Assembly,
    /// <summary>An ELF object (handled by SharpBpf.ObjectFile, not here).</summary>
    Elf,
}

/// <summary>A program read from a file, with what the file says about running it.</summary>
public sealed class ProgramFile
{
    /// <summary>The instruction slots.</summary>
    public required Instruction[] Instructions { get; init; }

    /// <summary>What the file was read as.</summary>
    public required ProgramFileKind Kind { get; init; }

    /// <summary>The input memory a conformance file gives, or null.</summary>
    public byte[]? Memory { get; init; }

    /// <summary>The expected result a conformance file gives, or null.</summary>
    public ulong? ExpectedResult { get; init; }

    /// <summary>Recognises the kind of a file from its name and first bytes.</summary>
    public static ProgramFileKind Detect(string path, ReadOnlySpan<byte> content)
    {
        if (content.Length >= 4 && content[0] == 0x7f && content[1] == (byte)'E' && content[2] == (byte)'L' && content[3] == (byte)'F')
            return ProgramFileKind.Elf;
        string ext = Path.GetExtension(path).ToLowerInvariant();
        switch (ext)
        {
            case ".bin":
                return ProgramFileKind.Raw;
            case ".hex":
                return ProgramFileKind.Hex;
            case ".data":
                return ProgramFileKind.Conformance;
        }
        if (!IsText(content))
            return ProgramFileKind.Raw;
        var text = Encoding.UTF8.GetString(content);
        if (LooksLikeHexWords(text))
            return ProgramFileKind.Hex;
        if (text.Contains("-- asm", StringComparison.Ordinal) || text.Contains("-- raw", StringComparison.Ordinal))
            return ProgramFileKind.Conformance;
        return ProgramFileKind.Assembly;
    }

    /// <summary>Reads a program file; throws <see cref="BpfFormatException"/> naming the place on bad input.</summary>
    public static ProgramFile Load(string path, AsmSyntax? syntax = null)
    {
        byte[] content = File.ReadAllBytes(path);
        return Parse(path, content, syntax);
    }

    /// <summary>Parses the content of a program file named <paramref name="path"/>.</summary>
    public static ProgramFile Parse(string path, byte[] content, AsmSyntax? syntax = null)
    {
        var kind = Detect(path, content);
        switch (kind)
        {
            case ProgramFileKind.Elf:
                throw new BpfFormatException(new Diagnostic(DiagnosticIds.FileFormat,
                    "this is an ELF object; use 'sharpbpf obj' commands for objects", SourceLocation.AtOffset(0, path)));
            case ProgramFileKind.Raw:
                return new ProgramFile { Kind = kind, Instructions = Split(content, path) };
            case ProgramFileKind.Hex:
                return new ProgramFile { Kind = kind, Instructions = ParseHexWords(Encoding.UTF8.GetString(content), path) };
            case ProgramFileKind.Conformance:
            {
                var test = ConformanceFile.Parse(Encoding.UTF8.GetString(content), path);
                Instruction[] program;
                if (test.Raw is not null)
                    program = Split(test.Raw, path);
                else if (test.Asm is not null)
                    program = Assembler.Assemble(test.Asm, syntax ?? AsmSyntax.Ubpf, path);
                else
                    throw new BpfFormatException(new Diagnostic(DiagnosticIds.FileFormat, "no -- asm or -- raw section", SourceLocation.AtLine(1, 0, path)));
                return new ProgramFile { Kind = kind, Instructions = program, Memory = test.Memory, ExpectedResult = test.Result };
            }
            default:
                return new ProgramFile { Kind = kind, Instructions = Assembler.Assemble(Encoding.UTF8.GetString(content), syntax, path) };
        }
    }

    /// <summary>Parses one <c>0x%016x</c> (or decimal) instruction word per whitespace-separated token.</summary>
    public static Instruction[] ParseHexWords(string text, string? file = null)
    {
        var output = new List<Instruction>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0)
                line = line[..hash];
            int col = 0;
            foreach (var tok in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                col = line.IndexOf(tok, col, StringComparison.Ordinal);
                ulong word = 0;
                bool ok = tok.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    ? tok.Length <= 18 && ulong.TryParse(tok.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out word)
                    : ulong.TryParse(tok, NumberStyles.None, CultureInfo.InvariantCulture, out word);
                if (!ok)
                    throw new BpfFormatException(new Diagnostic(DiagnosticIds.FileFormat,
                        $"'{tok}' is not a 64-bit instruction word", SourceLocation.AtLine(i + 1, col + 1, file)));
                output.Add(Instruction.FromRaw(word));
                col += tok.Length;
            }
        }
        return [.. output];
    }

    /// <summary>Formats instructions as one <c>0x%016x</c> word a line.</summary>
    public static string FormatHexWords(ReadOnlySpan<Instruction> program)
    {
        var sb = new StringBuilder(program.Length * 19);
        foreach (var insn in program)
            sb.Append(CultureInfo.InvariantCulture, $"0x{insn.RawValue:x16}\n");
        return sb.ToString();
    }

    private static Instruction[] Split(byte[] content, string path)
    {
        if (!ProgramDecoder.TrySplit(content, out var program, out var diagnostic))
            throw new BpfFormatException(diagnostic! with { Location = diagnostic!.Location.InFile(path) });
        return program;
    }

    private static bool IsText(ReadOnlySpan<byte> content)
    {
        foreach (byte b in content[..Math.Min(content.Length, 4096)])
        {
            if (b == 0 || (b < 0x20 && b is not ((byte)'\n' or (byte)'\r' or (byte)'\t')))
                return false;
        }
        return true;
    }

    private static bool LooksLikeHexWords(string text)
    {
        bool any = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            if (line.Length != 18 || !line.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                return false;
            any = true;
        }
        return any;
    }
}
