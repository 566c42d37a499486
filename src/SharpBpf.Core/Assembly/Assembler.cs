using System.Text.RegularExpressions;
using SharpBpf.Core.Diagnostics;
using SharpBpf.Core.Formatting;

namespace SharpBpf.Core.Assembly;

/// <summary>
/// Assembles text in the LLVM or uBPF syntax into instructions. Labels (<c>name:</c>) may be used
/// as jump and call targets; the label <c>exit</c>, if not defined, means the first <c>exit</c>
/// (bpf_conformance). Listings as <c>sharpbpf disasm</c> and <c>llvm-objdump -d</c> print them
/// (address, raw bytes, <c>&lt;label&gt;</c> annotations) are accepted as input too.
/// </summary>
public static partial class Assembler
{
    /// <summary>Assembles, throwing <see cref="BpfFormatException"/> with line:column on bad input.</summary>
    public static Instruction[] Assemble(string text, AsmSyntax? syntax = null, string? file = null) =>
        TryAssemble(text, syntax, out var program, out var diagnostic, file) ? program : throw new BpfFormatException(diagnostic!);

    /// <summary>Assembles; on failure <paramref name="diagnostic"/> names the line and column.</summary>
    public static bool TryAssemble(string text, AsmSyntax? syntax, out Instruction[] program, out Diagnostic? diagnostic, string? file = null) =>
        TryAssemble(text, syntax, out program, out _, out diagnostic, file);

    /// <summary>
    /// Assembles and also returns the labels the text defines, by slot (the first name given to a
    /// slot wins), for listings.
    /// </summary>
    public static bool TryAssemble(string text, AsmSyntax? syntax, out Instruction[] program,
        out IReadOnlyDictionary<int, string> labelsBySlot, out Diagnostic? diagnostic, string? file = null)
    {
        labelsBySlot = new Dictionary<int, string>();
        var lines = text.Split('\n');
        var effective = syntax ?? DetectSyntax(text);
        if (effective == AsmSyntax.Kernel)
            throw new ArgumentException("the kernel syntax is output only", nameof(syntax));
        SyntaxParser parser = effective == AsmSyntax.Ubpf ? new UbpfParser() : new LlvmParser();
        var items = new List<AsmItem>();
        var itemLines = new List<int>();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        int firstExit = -1;
        try
        {
            for (int i = 0; i < lines.Length; i++)
            {
                int lineNo = i + 1;
                var (body, column) = Clean(lines[i]);
                if (body.Length == 0)
                    continue;
                var objdumpLabel = ObjdumpLabel().Match(body);
                if (objdumpLabel.Success)
                {
                    Define(labels, objdumpLabel.Groups[1].Value, items.Count, lineNo, column);
                    continue;
                }
                var tokens = AsmLexer.Tokenize(body, column, lineNo);
                var c = new TokenCursor(tokens, lineNo, unsignedDecimal32: effective == AsmSyntax.Llvm);
                if (c.Peek().Kind == AsmTokenKind.Identifier && c.Peek(1).Is(":"))
                {
                    var labelTok = c.Next();
                    c.Next();
                    Define(labels, labelTok.Text, items.Count, lineNo, labelTok.Column);
                    if (c.AtEnd || !parser.InstructionAfterLabel)
                        continue;
                }
                if (c.Peek().Kind == AsmTokenKind.Identifier && IsIgnoredDirective(c.Peek().Text))
                    continue;
                int before = items.Count;
                parser.ParseLine(c, items);
                for (int k = before; k < items.Count; k++)
                    itemLines.Add(lineNo);
                if (firstExit < 0 && items.Count == before + 1 && items[before].Insn.Opcode == Opcodes.ExitOpcode &&
                    items[before].Field == FixupField.None)
                    firstExit = before;
            }
            var bySlot = new Dictionary<int, string>();
            foreach (var (name, slot) in labels)
                bySlot.TryAdd(slot, name);
            labelsBySlot = bySlot;
            if (firstExit >= 0)
                labels.TryAdd("exit", firstExit);

            program = new Instruction[items.Count];
            for (int pc = 0; pc < items.Count; pc++)
                program[pc] = Resolve(items[pc], pc, labels, itemLines[pc]);
            diagnostic = null;
            return true;
        }
        catch (AsmException e)
        {
            program = [];
            diagnostic = new Diagnostic(e.Id, e.Message, SourceLocation.AtLine(e.Line, e.Column, file));
            return false;
        }
    }

    /// <summary>
    /// Guesses the syntax of a text from its first line that decides it: <c>%rN</c> registers or
    /// a uBPF mnemonic mean uBPF; a line starting with a register, <c>*</c>, <c>if</c>,
    /// <c>goto</c>, <c>lock *</c> and the like means LLVM. Lines that read the same in both
    /// (<c>exit</c>, <c>call 5</c>, labels) decide nothing; the default is LLVM.
    /// </summary>
    public static AsmSyntax DetectSyntax(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var (line, _) = Clean(raw);
            if (line.Length == 0 || ObjdumpLabel().IsMatch(line))
                continue;
            if (line.Contains("%r", StringComparison.Ordinal))
                return AsmSyntax.Ubpf;
            int n = 0;
            while (n < line.Length && (char.IsAsciiLetterOrDigit(line[n]) || line[n] is '_' or '.' or '$' or '*'))
                n++;
            var first = line[..Math.Max(n, 1)];
            if (n < line.Length && line[n] == ':')
                continue;
            if (line.StartsWith("call local", StringComparison.Ordinal) || line.StartsWith("call runtime", StringComparison.Ordinal) ||
                line.StartsWith("call helper", StringComparison.Ordinal))
                return AsmSyntax.Ubpf;
            if (LlvmParser.TryRegister(first, out _, out _) || first.StartsWith('*') ||
                first is "if" or "goto" or "gotol" or "callx" or "store_release" ||
                line.StartsWith("lock *", StringComparison.Ordinal) || line.StartsWith("call pc", StringComparison.Ordinal) ||
                line.StartsWith("call kfunc", StringComparison.Ordinal))
                return AsmSyntax.Llvm;
            if (first is "exit" or "call" or "may_goto" or "ld_pseudo" || first.StartsWith('.'))
                continue;
            if (char.IsAsciiLetter(first[0]))
                return AsmSyntax.Ubpf;
        }
        return AsmSyntax.Llvm;
    }

    private static Instruction Resolve(AsmItem item, int pc, Dictionary<string, int> labels, int line)
    {
        if (item.Field == FixupField.None)
            return item.Insn;
        var target = item.Target;
        if (!labels.TryGetValue(target.Label!, out int slot))
            throw new AsmException($"undefined label '{target.Label}'", line, target.Token.Column, DiagnosticIds.AsmUndefinedLabel);
        long rel = slot - pc - 1L;
        if (item.Field == FixupField.Offset)
        {
            if (rel < short.MinValue || rel > short.MaxValue)
                throw new AsmException($"jump to '{target.Label}' ({rel}) does not fit 16 bits; use gotol", line, target.Token.Column,
                    DiagnosticIds.AsmOutOfRange);
            return item.Insn.WithOffset((short)rel);
        }
        return item.Insn.WithImmediate((int)rel);
    }

    private static void Define(Dictionary<string, int> labels, string name, int slot, int line, int column)
    {
        if (!labels.TryAdd(name, slot))
            throw new AsmException($"label '{name}' is defined twice", line, column, DiagnosticIds.AsmDuplicateLabel);
    }

    private static bool IsIgnoredDirective(string text) =>
        text is ".text" or ".globl" or ".global" or ".p2align" or ".align" or ".type" or ".size" or ".file" or ".loc"
        || text.StartsWith(".cfi_", StringComparison.Ordinal);

    /// <summary>
    /// Removes comments, listing decorations and trailing <c>&lt;label&gt;</c> annotations; returns
    /// what is left and the 1-based column where it starts.
    /// </summary>
    private static (string Body, int Column) Clean(string line)
    {
        int cut = line.Length;
        int hash = line.IndexOf('#');
        if (hash >= 0) cut = Math.Min(cut, hash);
        int semi = line.IndexOf(';');
        if (semi >= 0) cut = Math.Min(cut, semi);
        int slashes = line.IndexOf("//", StringComparison.Ordinal);
        if (slashes >= 0) cut = Math.Min(cut, slashes);
        var body = line[..cut].TrimEnd();
        if (body.Contains("file format", StringComparison.Ordinal) || body.StartsWith("Disassembly of section", StringComparison.Ordinal))
            return ("", 1);
        int start = 0;
        var prefix = ListingPrefix().Match(body);
        if (prefix.Success)
            start = prefix.Length;
        var annotation = TrailingAnnotation().Match(body, start);
        if (annotation.Success && annotation.Index > start)
            body = body[..annotation.Index];
        while (start < body.Length && char.IsWhiteSpace(body[start]))
            start++;
        return (body[start..].TrimEnd(), start + 1);
    }

    // "   12:\t71 14 0d 00 00 00 00 00\t" (llvm-objdump) or "  12: 71 14 0d 00 00 00 00 00  " (sharpbpf disasm).
    [GeneratedRegex(@"^\s*[0-9]+:\s+(?:[0-9a-fA-F]{2} ){7}[0-9a-fA-F]{2}(?: (?:[0-9a-fA-F]{2} ){7}[0-9a-fA-F]{2})?(?=\s|$)")]
    private static partial Regex ListingPrefix();

    // "goto +3 <LBB0_4>" -> the "<LBB0_4>" part.
    [GeneratedRegex(@"\s+<[A-Za-z_.$][\w.$+\-]*>\s*$")]
    private static partial Regex TrailingAnnotation();

    // "0000000000000048 <LBB0_3>:" (llvm-objdump) or "<LBB0_3>:".
    [GeneratedRegex(@"^(?:[0-9a-fA-F]+\s+)?<([A-Za-z_.$][\w.$]*)>:$")]
    private static partial Regex ObjdumpLabel();
}
