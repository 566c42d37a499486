using System.Globalization;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Core.Formatting;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Linux.Printing;

/// <summary>
/// <c>bpftool prog dump xlated</c> (xlated_dumper.c): the kernel's own printer (Core's
/// <see cref="KernelFormatter"/>, which is print_bpf_insn) with bpftool's callbacks: calls named
/// from /proc/kallsyms (helpers relative to __bpf_call_base, sub-programs by their jited symbol,
/// <c>call pc+6#bpf_prog_TAG_F</c>), 64-bit immediates as map references (<c>map[id:5]</c>); each
/// function's BTF prototype before its first instruction, source lines from line_info
/// (<c>; line</c>, with <c>linum</c> also <c>[file:F line_num:N line_col:C]</c>), and with
/// <c>opcodes</c> the raw bytes.
/// </summary>
public sealed class XlatedDumper
{
    // include/uapi/linux/bpf.h: src_reg values of calls and ld_imm64.
    private const int PseudoCall = 1;
    private const int PseudoMapFd = 1, PseudoMapValue = 2, PseudoFunc = 4, PseudoMapIdxValue = 6;

    private readonly ProgramCode _code;
    private readonly KernelSymbols _symbols;
    private readonly Instruction[] _insns;

    /// <summary>A dumper of <paramref name="code"/> (read with jited false), naming calls from <paramref name="symbols"/>.</summary>
    public XlatedDumper(ProgramCode code, KernelSymbols symbols)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(symbols);
        _code = code;
        _symbols = symbols;
        _insns = MemoryMarshal.Cast<byte, Instruction>(code.Xlated.AsSpan(0, code.Xlated.Length / 8 * 8)).ToArray();
        Lines = ProgramLineTable.Create(code);
    }

    /// <summary>The line table (null without line info).</summary>
    public ProgramLineTable? Lines { get; }

    /// <summary>dump_xlated_plain.</summary>
    public void WritePlain(TextWriter w, bool opcodes, bool linum)
    {
        ArgumentNullException.ThrowIfNull(w);
        var btf = _code.Btf;
        int record = 0, skip = 0;
        for (int i = 0; i < _insns.Length; i++)
        {
            if (btf is not null && record < _code.FuncInfo.Length && _code.FuncInfo[record].InstructionOffset == i)
            {
                string signature = BtfSignature.Of(btf, _code.FuncInfo[record].TypeId);
                if (signature.Length > 0)
                    w.Write(signature + ":\n");
                record++;
            }
            if (btf is not null && Lines?.Find((uint)i, skip) is { } line)
            {
                w.Write(LinePlain(btf, line, "; ", linum));
                skip++;
            }
            bool wide = _insns[i].Opcode == Opcodes.LoadImm64;
            w.Write((" " + i.ToString(CultureInfo.InvariantCulture)).PadLeft(4));
            w.Write(": ");
            w.Write(Format(i));
            w.Write('\n');
            if (opcodes)
            {
                w.Write("       ");
                MapElementPrinter.WriteHex(w, Bytes(i));
                if (wide && i + 1 < _insns.Length)
                {
                    w.Write(' ');
                    MapElementPrinter.WriteHex(w, Bytes(i + 1));
                }
                w.Write('\n');
            }
            if (wide)
                i++;
        }
    }

    /// <summary>dump_xlated_json: an array of {"proto", "src", ..., "disasm", "opcodes"} objects.</summary>
    public void WriteJson(BpftoolJsonWriter j, bool opcodes, bool linum)
    {
        ArgumentNullException.ThrowIfNull(j);
        var btf = _code.Btf;
        int record = 0, skip = 0;
        j.StartArray();
        for (int i = 0; i < _insns.Length; i++)
        {
            var insn = _insns[i];
            bool wide = insn.Opcode == Opcodes.LoadImm64;
            j.StartObject();
            if (btf is not null && record < _code.FuncInfo.Length && _code.FuncInfo[record].InstructionOffset == i)
            {
                string signature = BtfSignature.Of(btf, _code.FuncInfo[record].TypeId);
                if (signature.Length > 0)
                {
                    j.Name("proto");
                    j.String(signature);
                }
                record++;
            }
            if (btf is not null && Lines?.Find((uint)i, skip) is { } line)
            {
                LineJson(j, btf, line, linum);
                skip++;
            }
            j.Name("disasm");
            j.String(Format(i));
            if (opcodes)
            {
                j.Name("opcodes");
                j.StartObject();
                j.Name("code");
                j.Raw($"\"0x{insn.Opcode:x2}\"");
                j.Name("src_reg");
                j.Raw($"\"0x{insn.Src:x}\"");
                j.Name("dst_reg");
                j.Raw($"\"0x{insn.Dst:x}\"");
                var bytes = Bytes(i);
                j.Name("off");
                j.HexBytes(bytes.Slice(2, 2));
                j.Name("imm");
                if (wide && i + 1 < _insns.Length)
                    j.HexBytes(MemoryMarshal.AsBytes(_insns.AsSpan(i, 2)).Slice(4, 12));
                else
                    j.HexBytes(bytes.Slice(4, 4));
                j.EndObject();
            }
            j.EndObject();
            if (wide)
                i++;
        }
        j.EndArray();
    }

    private ReadOnlySpan<byte> Bytes(int i) => MemoryMarshal.AsBytes(_insns.AsSpan(i, 1));

    /// <summary>print_bpf_insn with bpftool's callbacks, without the trailing newline.</summary>
    public string Format(int pc)
    {
        var insn = _insns[pc];
        if (insn.Opcode == Opcodes.CallOpcode)
            return $"({insn.Opcode:x2}) call {CallName(insn)}";
        if (insn.Opcode == Opcodes.LoadImm64 && pc + 1 < _insns.Length)
            return $"({insn.Opcode:x2}) r{insn.Dst} = {Immediate(insn, _insns[pc + 1])}";
        return KernelFormatter.Instance.Format(_insns, pc);
    }

    // __func_get_name with bpftool's print_call: "pc+N#symbol" for sub-programs, "name#imm" for helpers.
    private string CallName(Instruction insn)
    {
        int imm = insn.Immediate;
        if (insn.Src == 0 && imm >= 0 && imm < HelperIds.Count)
            return (imm == 0 ? "bpf_unspec" : HelperIds.NameOf(imm)) + "#" + imm.ToString(CultureInfo.InvariantCulture);
        ulong address = _symbols.CallBase + (ulong)(long)imm;
        var ksyms = _code.JitedKsyms;
        if (insn.Src == PseudoCall && (uint)imm < (uint)ksyms.Length)
            address = ksyms[imm];
        string? symbol = _symbols.Find(address);
        if (insn.Src == PseudoCall)
        {
            string off = Signed(insn.Offset);
            string target = ksyms.Length == 0 ? off : symbol is not null ? off + "#" + symbol : off + "#0x" + address.ToString("x", CultureInfo.InvariantCulture);
            return "pc" + target;
        }
        return (symbol ?? "0x" + address.ToString("x", CultureInfo.InvariantCulture)) + "#" + imm.ToString(CultureInfo.InvariantCulture);
    }

    // print_imm.
    private static string Immediate(Instruction insn, Instruction next) => insn.Src switch
    {
        PseudoMapFd => $"map[id:{(uint)insn.Immediate}]",
        PseudoMapValue => $"map[id:{(uint)insn.Immediate}][0]+{(uint)next.Immediate}",
        PseudoMapIdxValue => $"map[idx:{(uint)insn.Immediate}]+{(uint)next.Immediate}",
        PseudoFunc => $"subprog[{Signed(insn.Immediate)}]",
        _ => "0x" + ((uint)insn.Immediate | ((ulong)(uint)next.Immediate << 32)).ToString("x", CultureInfo.InvariantCulture),
    };

    private static string Signed(long value) => value >= 0 ? "+" + value.ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>btf_dump_linfo_plain: "; SOURCE" (left-trimmed), with linum " [file:F line_num:N line_col:C]", and a newline.</summary>
    public static string LinePlain(BtfSpec btf, KernelLineInfo line, string prefix, bool linum)
    {
        ArgumentNullException.ThrowIfNull(btf);
        string source = btf.GetString(line.LineOffset).TrimStart(' ', '\t', '\n', '\v', '\f', '\r');
        if (!linum)
            return prefix + source + "\n";
        string file = btf.GetString(line.FileNameOffset);
        return $"{prefix}{source} [file:{file} line_num:{line.Line} line_col:{line.Column}]\n";
    }

    /// <summary>btf_dump_linfo_json: "src", and with linum "file", "line_num" and "line_col" (the last two when not 0).</summary>
    public static void LineJson(BpftoolJsonWriter j, BtfSpec btf, KernelLineInfo line, bool linum)
    {
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(btf);
        j.StringField("src", btf.GetString(line.LineOffset).TrimStart(' ', '\t', '\n', '\v', '\f', '\r'));
        if (!linum)
            return;
        j.StringField("file", btf.GetString(line.FileNameOffset));
        if (line.Line != 0)
            j.IntField("line_num", line.Line);
        if (line.Column != 0)
            j.IntField("line_col", line.Column);
    }
}
