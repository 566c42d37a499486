using System.Globalization;
using System.Text.RegularExpressions;
using Iced.Intel;

namespace SharpBpf.Linux.Printing;

/// <summary>
/// <c>bpftool prog dump jited</c> (prog.c and jit_disasm.c, the libbfd layout): for each
/// sub-program its BTF prototype and kernel symbol (<c>bpf_prog_TAG_NAME:</c>), then one line per
/// instruction, <c>   0:	nopl   0x0(%rax,%rax,1)</c>, as objdump prints x86-64 in AT&amp;T syntax,
/// with source lines from line_info and, with <c>opcodes</c>, the bytes. Iced decodes and formats
/// (the bpftool installed here was built without libbfd and cannot). x86-64 only.
/// </summary>
public sealed partial class JitedDumper
{
    private readonly ProgramCode _code;
    private readonly KernelSymbols _symbols;
    private readonly ProgramLineTable? _lines;
    private readonly GasFormatter _formatter;

    /// <summary>A dumper of <paramref name="code"/> (read with jited true).</summary>
    public JitedDumper(ProgramCode code, KernelSymbols symbols)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(symbols);
        _code = code;
        _symbols = symbols;
        _lines = ProgramLineTable.Create(code);
        _formatter = new GasFormatter();
        var o = _formatter.Options;
        // objdump: "%-6s " mnemonics, hex with 0x, $0xffffffffffffffff immediates, -0x8(%rbp), ret/call without suffix.
        o.FirstOperandCharIndex = 7;
        o.HexPrefix = "0x";
        o.UppercaseHex = false;
        o.SmallHexNumbersInDecimal = false;
        o.AddLeadingZeroToHexNumbers = false;
        o.SignedImmediateOperands = false;
        o.SignedMemoryDisplacements = true;
        o.ShowZeroDisplacements = true;
        o.BranchLeadingZeros = false;
        o.GasShowMnemonicSizeSuffix = false;
        o.ShowBranchSize = false;
        o.RipRelativeAddresses = false;
    }

    private IEnumerable<(int Index, int Start, int Length, string? Name, string Signature)> Functions()
    {
        var image = _code.Jited;
        var lens = _code.JitedFuncLengths;
        if (lens.Length == 0)
        {
            yield return (-1, 0, image.Length, null, "");
            yield break;
        }
        int start = 0;
        for (int i = 0; i < lens.Length; i++)
        {
            string name = _code.JitedKsyms.Length > i
                ? _symbols.Find(_code.JitedKsyms[i]) ?? "0x" + _code.JitedKsyms[i].ToString("x16", CultureInfo.InvariantCulture)
                : "unknown";
            string signature = _code.FuncInfo.Length > i ? BtfSignature.Of(_code.Btf, _code.FuncInfo[i].TypeId) : "";
            int length = (int)Math.Min(lens[i], (uint)Math.Max(image.Length - start, 0));
            yield return (i, start, length, name, signature);
            start += length;
        }
    }

    /// <summary>The text listing.</summary>
    public void WritePlain(TextWriter w, bool opcodes, bool linum)
    {
        ArgumentNullException.ThrowIfNull(w);
        foreach (var (index, start, length, name, signature) in Functions())
        {
            if (name is not null)
            {
                if (signature.Length > 0)
                    w.Write(signature + ":\n");
                w.Write(name + ":\n");
            }
            int skip = 0;
            foreach (var (pc, insn, text) in Decode(start, length))
            {
                if (index >= 0 && _code.Btf is { } btf && _lines?.FindAddress(_code.JitedKsyms[index] + (ulong)pc, index, skip) is { } line)
                {
                    w.Write(XlatedDumper.LinePlain(btf, line, "; ", linum));
                    skip++;
                }
                w.Write(pc.ToString("x", CultureInfo.InvariantCulture).PadLeft(4));
                w.Write(":\t");
                w.Write(text);
                if (opcodes)
                {
                    w.Write("\n\t");
                    foreach (byte b in _code.Jited.AsSpan(start + pc, insn.Length))
                        w.Write(b.ToString("x2", CultureInfo.InvariantCulture) + " ");
                }
                w.Write('\n');
            }
            if (name is not null)
                w.Write('\n');
        }
    }

    /// <summary>The JSON listing: per sub-program {"proto", "name", "insns": [{"pc", "operation", "operands", "opcodes"}]}.</summary>
    public void WriteJson(BpftoolJsonWriter j, bool opcodes, bool linum)
    {
        ArgumentNullException.ThrowIfNull(j);
        bool functions = _code.JitedFuncLengths.Length > 0;
        if (functions)
            j.StartArray();
        foreach (var (index, start, length, name, signature) in Functions())
        {
            if (name is not null)
            {
                j.StartObject();
                if (signature.Length > 0)
                {
                    j.Name("proto");
                    j.String(signature);
                }
                j.StringField("name", name);
                j.Name("insns");
            }
            j.StartArray();
            int skip = 0;
            var output = new StringOutput();
            foreach (var (pc, insn, _) in Decode(start, length))
            {
                j.StartObject();
                if (index >= 0 && _code.Btf is { } btf && _lines?.FindAddress(_code.JitedKsyms[index] + (ulong)pc, index, skip) is { } line)
                {
                    XlatedDumper.LineJson(j, btf, line, linum);
                    skip++;
                }
                j.Name("pc");
                j.Raw($"\"0x{pc:x}\"");
                _formatter.FormatMnemonic(insn, output);
                j.StringField("operation", output.ToStringAndReset().TrimEnd(' '));
                j.Name("operands");
                j.StartArray();
                int count = _formatter.GetOperandCount(insn);
                if (count == 0)
                    j.Null();
                for (int op = 0; op < count; op++)
                {
                    _formatter.FormatOperand(insn, output, op);
                    j.String(ObjdumpScale(output.ToStringAndReset()));
                }
                j.EndArray();
                if (opcodes)
                {
                    j.Name("opcodes");
                    j.StartArray();
                    foreach (byte b in _code.Jited.AsSpan(start + pc, insn.Length))
                        j.Raw($"\"0x{b:x2}\"");
                    j.EndArray();
                }
                j.EndObject();
            }
            j.EndArray();
            if (name is not null)
                j.EndObject();
        }
        if (functions)
            j.EndArray();
    }

    private IEnumerable<(int Pc, Instruction Insn, string Text)> Decode(int start, int length)
    {
        var bytes = _code.Jited.AsSpan(start, length).ToArray();
        var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(bytes), 0, DecoderOptions.None);
        var output = new StringOutput();
        while (decoder.IP < (ulong)bytes.Length)
        {
            int pc = (int)decoder.IP;
            decoder.Decode(out var insn);
            if (insn.IsInvalid)
            {
                // objdump's "(bad)" for bytes it cannot decode; one byte at a time.
                yield return (pc, insn, "(bad)");
                if (insn.Length == 0)
                    yield break;
                continue;
            }
            _formatter.Format(insn, output);
            yield return (pc, insn, ObjdumpScale(output.ToStringAndReset()));
        }
    }

    // objdump writes a scale of 1 when there is an index register: 0x0(%rax,%rax,1).
    private static string ObjdumpScale(string text) => IndexWithoutScale().Replace(text, "($1,$2,1)");

    [GeneratedRegex(@"\((%\w+),(%\w+)\)")]
    private static partial Regex IndexWithoutScale();
}
