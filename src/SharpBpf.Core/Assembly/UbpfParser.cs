using SharpBpf.Core.Diagnostics;

namespace SharpBpf.Core.Assembly;

/// <summary>
/// The uBPF / bpf_conformance assembly syntax (lib/src/bpf_assembler.cc's grammar, see the
/// conformance README), with SharpBpf's additions (docs/asm-syntax.md).
/// </summary>
internal sealed class UbpfParser : SyntaxParser
{
    // bpf_conformance: "A label is a line whose first token ends in ':'. The rest of that line is ignored."
    public override bool InstructionAfterLabel => false;

    private static readonly Dictionary<string, byte> AluOps = new()
    {
        ["add"] = Opcodes.Add, ["sub"] = Opcodes.Sub, ["mul"] = Opcodes.Mul, ["div"] = Opcodes.Div, ["sdiv"] = Opcodes.Div,
        ["or"] = Opcodes.Or, ["and"] = Opcodes.And, ["lsh"] = Opcodes.Lsh, ["rsh"] = Opcodes.Rsh, ["mod"] = Opcodes.Mod,
        ["smod"] = Opcodes.Mod, ["xor"] = Opcodes.Xor, ["mov"] = Opcodes.Mov, ["arsh"] = Opcodes.Arsh, ["neg"] = Opcodes.Neg,
    };

    private static readonly Dictionary<string, byte> JumpOps = new()
    {
        ["jeq"] = Opcodes.Jeq, ["jgt"] = Opcodes.Jgt, ["jge"] = Opcodes.Jge, ["jset"] = Opcodes.Jset, ["jne"] = Opcodes.Jne,
        ["jsgt"] = Opcodes.Jsgt, ["jsge"] = Opcodes.Jsge, ["jlt"] = Opcodes.Jlt, ["jle"] = Opcodes.Jle, ["jslt"] = Opcodes.Jslt,
        ["jsle"] = Opcodes.Jsle,
    };

    public override void ParseLine(TokenCursor c, List<AsmItem> output)
    {
        var mTok = c.Next();
        if (mTok.Kind != AsmTokenKind.Identifier)
            throw c.Error($"expected a mnemonic but found {mTok}", mTok);
        string m = mTok.Text;

        switch (m)
        {
            case "exit":
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction(Opcodes.ExitOpcode, 0, 0, 0, 0)));
                return;
            case "ja":
                EmitBranch(output, c, Opcodes.ClassJmp | Opcodes.Ja, 0, 0, 0, OneTarget(c, mTok));
                return;
            case "ja32":
                EmitLong(output, c, new Instruction(Opcodes.ClassJmp32 | Opcodes.Ja, 0, 0, 0, 0), OneTarget(c, mTok));
                return;
            case "may_goto":
                EmitBranch(output, c, Opcodes.ClassJmp | Opcodes.Jcond, 0, 0, 0, OneTarget(c, mTok));
                return;
            case "call":
                ParseCall(c, output, mTok);
                return;
            case "lddw":
            {
                RequireOperands(c, mTok, 2);
                int d = Register(c);
                c.Expect(",");
                long v = c.Imm64();
                c.ExpectEnd();
                EmitLoadImm64(output, d, 0, v);
                return;
            }
            case "ld_pseudo":
            {
                RequireOperands(c, mTok, 3, 4);
                PseudoTail(output, c, Register(c));
                return;
            }
            case "lock":
                ParseLock(c, output, mTok);
                return;
            case "addr_space_cast":
            {
                RequireOperands(c, mTok, 4);
                int d = Register(c);
                c.Expect(",");
                int s = Register(c);
                c.Expect(",");
                int dstAs = c.Imm32();
                c.Expect(",");
                int srcAs = c.Imm32();
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, d, s,
                    Opcodes.AddrSpaceCastOffset, (dstAs << 16) | (srcAs & 0xffff))));
                return;
            }
            case ".quad":
            case ".8byte":
                Quad(output, c);
                return;
        }

        if (TryEndian(m, out byte endOp, out int width))
        {
            RequireOperands(c, mTok, 1);
            int d = Register(c);
            c.ExpectEnd();
            output.Add(AsmItem.Plain(new Instruction(endOp, d, 0, 0, width)));
            return;
        }
        if (m.StartsWith("movsx", StringComparison.Ordinal))
        {
            // movsx{8,16,32}{32,64}: mov with offset 8/16/32.
            var (off, is64) = m[5..] switch
            {
                "832" => (8, false), "1632" => (16, false), "864" => (8, true), "1664" => (16, true), "3264" => (32, true),
                _ => throw c.Error($"unknown mnemonic '{m}'", mTok, DiagnosticIds.AsmUnknownMnemonic),
            };
            RequireOperands(c, mTok, 2);
            int d = Register(c);
            c.Expect(",");
            int s = Register(c);
            c.ExpectEnd();
            byte cls = is64 ? Opcodes.ClassAlu64 : Opcodes.ClassAlu;
            output.Add(AsmItem.Plain(new Instruction((byte)(cls | Opcodes.Mov | Opcodes.SourceX), d, s, (short)off, 0)));
            return;
        }
        if (TrySplitWidth(m, AluOps, out byte aop, out bool w32))
        {
            byte cls = w32 ? Opcodes.ClassAlu : Opcodes.ClassAlu64;
            short off = (short)(m.StartsWith("sdiv", StringComparison.Ordinal) || m.StartsWith("smod", StringComparison.Ordinal) ? 1 : 0);
            if (aop == Opcodes.Neg)
            {
                RequireOperands(c, mTok, 1);
                int nd = Register(c);
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction((byte)(cls | Opcodes.Neg), nd, 0, 0, 0)));
                return;
            }
            RequireOperands(c, mTok, 2);
            int d = Register(c);
            c.Expect(",");
            if (IsRegister(c.Peek()))
            {
                int s = Register(c);
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction((byte)(cls | aop | Opcodes.SourceX), d, s, off, 0)));
            }
            else
            {
                int imm = c.Imm32();
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction((byte)(cls | aop | Opcodes.SourceK), d, 0, off, imm)));
            }
            return;
        }
        if (TrySplitWidth(m, JumpOps, out byte jop, out bool j32))
        {
            RequireOperands(c, mTok, 3);
            byte cls = j32 ? Opcodes.ClassJmp32 : Opcodes.ClassJmp;
            int d = Register(c);
            c.Expect(",");
            int s = 0, imm = 0;
            byte source = Opcodes.SourceK;
            if (IsRegister(c.Peek()))
            {
                s = Register(c);
                source = Opcodes.SourceX;
            }
            else
            {
                imm = c.Imm32();
            }
            c.Expect(",");
            var target = c.Target();
            c.ExpectEnd();
            EmitBranch(output, c, (byte)(cls | jop | source), d, s, imm, target);
            return;
        }
        if (TryMemory(m, out var kind, out byte size))
        {
            ParseMemory(c, output, mTok, kind, size);
            return;
        }
        throw c.Error($"unknown mnemonic '{m}'", mTok, DiagnosticIds.AsmUnknownMnemonic);
    }

    private enum MemKind { Ldx, Ldxs, St, Stx, LdAbs, LdInd, LdAcq, StRel }

    private static bool TryMemory(string m, out MemKind kind, out byte size)
    {
        (string prefix, MemKind k)[] forms =
        [
            ("ldabs", MemKind.LdAbs), ("ldind", MemKind.LdInd), ("ldacq", MemKind.LdAcq), ("strel", MemKind.StRel),
            ("ldxs", MemKind.Ldxs), ("ldx", MemKind.Ldx), ("stx", MemKind.Stx), ("st", MemKind.St),
        ];
        foreach (var (prefix, k) in forms)
        {
            if (!m.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            size = SizeFromSuffix(m[prefix.Length..]);
            kind = k;
            if (size == 0xff)
                continue;
            bool noDw = k is MemKind.Ldxs or MemKind.LdAbs or MemKind.LdInd;
            if (noDw && size == Opcodes.SizeDW)
                continue;
            return true;
        }
        kind = default;
        size = 0;
        return false;
    }

    private static void ParseMemory(TokenCursor c, List<AsmItem> output, AsmToken mTok, MemKind kind, byte size)
    {
        switch (kind)
        {
            case MemKind.LdAbs:
            {
                RequireOperands(c, mTok, 1);
                int imm = c.Imm32();
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassLd | Opcodes.ModeAbs | size), 0, 0, 0, imm)));
                return;
            }
            case MemKind.LdInd:
            {
                RequireOperands(c, mTok, 2);
                int s = Register(c);
                c.Expect(",");
                int imm = c.Imm32();
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassLd | Opcodes.ModeInd | size), 0, s, 0, imm)));
                return;
            }
            case MemKind.Ldx:
            case MemKind.Ldxs:
            case MemKind.LdAcq:
            {
                RequireOperands(c, mTok, 2);
                int d = Register(c);
                c.Expect(",");
                var (s, off) = MemOperand(c);
                c.ExpectEnd();
                var insn = kind switch
                {
                    MemKind.Ldx => new Instruction((byte)(Opcodes.ClassLdx | Opcodes.ModeMem | size), d, s, off, 0),
                    MemKind.Ldxs => new Instruction((byte)(Opcodes.ClassLdx | Opcodes.ModeMemSx | size), d, s, off, 0),
                    _ => new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | size), d, s, off, Opcodes.AtomicLoadAcquire),
                };
                output.Add(AsmItem.Plain(insn));
                return;
            }
            default:
            {
                RequireOperands(c, mTok, 2);
                var (d, off) = MemOperand(c);
                c.Expect(",");
                if (kind == MemKind.St)
                {
                    int imm = c.Imm32();
                    c.ExpectEnd();
                    output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassSt | Opcodes.ModeMem | size), d, 0, off, imm)));
                    return;
                }
                int s = Register(c);
                c.ExpectEnd();
                output.Add(AsmItem.Plain(kind == MemKind.Stx
                    ? new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeMem | size), d, s, off, 0)
                    : new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | size), d, s, off, Opcodes.AtomicStoreRelease)));
                return;
            }
        }
    }

    private static void ParseCall(TokenCursor c, List<AsmItem> output, AsmToken mTok)
    {
        RequireOperands(c, mTok, 1, 3);
        var t = c.Peek();
        if (IsRegister(t))
        {
            // callx: the register number goes in dst, as bpf_conformance encodes it.
            int r = Register(c);
            c.ExpectEnd();
            output.Add(AsmItem.Plain(new Instruction(Opcodes.CallXOpcode, r, 0, 0, 0)));
            return;
        }
        if (t.Is("local"))
        {
            c.Next();
            var target = c.Target();
            c.ExpectEnd();
            EmitLong(output, c, new Instruction(Opcodes.CallOpcode, 0, (int)CallSource.Local, 0, 0), target);
            return;
        }
        if (t.Is("runtime"))
        {
            c.Next();
            int id = c.Imm32();
            short off = 0;
            if (c.Accept(","))
            {
                off = c.SignedOffset16();
            }
            c.ExpectEnd();
            output.Add(AsmItem.Plain(new Instruction(Opcodes.CallOpcode, 0, (int)CallSource.Kfunc, off, id)));
            return;
        }
        c.Accept("helper");
        int imm = c.Imm32();
        c.ExpectEnd();
        output.Add(AsmItem.Plain(new Instruction(Opcodes.CallOpcode, 0, 0, 0, imm)));
    }

    private static void ParseLock(TokenCursor c, List<AsmItem> output, AsmToken lockTok)
    {
        bool fetch = c.Accept("fetch");
        var opTok = c.Peek();
        if (opTok.Kind != AsmTokenKind.Identifier)
            throw c.Error("Invalid number of operands for lock", lockTok, DiagnosticIds.AsmOperandCount);
        c.Next();
        string name = opTok.Text;
        bool w32 = name.EndsWith("32", StringComparison.Ordinal);
        if (w32)
            name = name[..^2];
        int imm = name switch
        {
            "add" => Opcodes.Add, "or" => Opcodes.Or, "and" => Opcodes.And, "xor" => Opcodes.Xor,
            "xchg" => Opcodes.AtomicXchg, "cmpxchg" => Opcodes.AtomicCmpXchg,
            _ => throw c.Error($"unknown atomic operation '{opTok.Text}'", opTok, DiagnosticIds.AsmUnknownMnemonic),
        };
        if (fetch)
            imm |= Opcodes.AtomicFetch;
        if (CountOperands(c) != 2)
            throw c.Error("Invalid number of operands for lock", lockTok, DiagnosticIds.AsmOperandCount);
        var (d, off) = MemOperand(c);
        c.Expect(",");
        int s = Register(c);
        c.ExpectEnd();
        byte size = w32 ? Opcodes.SizeW : Opcodes.SizeDW;
        output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | size), d, s, off, imm)));
    }

    private static JumpTarget OneTarget(TokenCursor c, AsmToken mTok)
    {
        RequireOperands(c, mTok, 1);
        var t = c.Target();
        c.ExpectEnd();
        return t;
    }

    /// <summary>Counts comma-separated operands left on the line (brackets count as one).</summary>
    private static int CountOperands(TokenCursor c)
    {
        if (c.AtEnd)
            return 0;
        int n = 1, depth = 0;
        for (int i = 0; c.Peek(i).Kind != AsmTokenKind.End; i++)
        {
            var t = c.Peek(i);
            if (t.Is("[")) depth++;
            else if (t.Is("]")) depth--;
            else if (t.Is(",") && depth == 0) n++;
        }
        return n;
    }

    private static void RequireOperands(TokenCursor c, AsmToken mTok, int min, int max = -1)
    {
        if (max < 0)
            max = min;
        int n = CountOperands(c);
        if (n < min || n > max)
        {
            string want = min == max ? $"{min}" : $"{min} to {max}";
            throw c.Error($"Invalid number of operands for {mTok.Text}: expected {want}, found {n}", mTok, DiagnosticIds.AsmOperandCount);
        }
    }

    /// <summary><c>[%r1+4]</c>, <c>[%r1-4]</c>, <c>[%r1]</c>.</summary>
    private static (int Reg, short Off) MemOperand(TokenCursor c)
    {
        var open = c.Peek();
        if (!open.Is("["))
            throw c.Error($"expected a memory operand [%rN+off] but found {open}", open);
        c.Next();
        int r = Register(c);
        short off = 0;
        if (c.Peek().Is("+") || c.Peek().Is("-"))
        {
            off = c.SignedOffset16();
        }
        c.Expect("]");
        return (r, off);
    }

    private static bool IsRegister(AsmToken t) => t.Kind == AsmTokenKind.Identifier && t.Text.StartsWith('%');

    private static int Register(TokenCursor c)
    {
        var t = c.Peek();
        if (!IsRegister(t))
            throw c.Error($"expected a register but found {t}", t, DiagnosticIds.AsmInvalidRegister);
        c.Next();
        var text = t.Text;
        if (text.Length < 3 || text[1] != 'r' || !int.TryParse(text.AsSpan(2), System.Globalization.NumberStyles.None, null, out int r)
            || r > InstructionValidator.MaxRegister || (text.Length > 3 && text[2] == '0'))
            throw c.Error($"Invalid register: {text}", t, DiagnosticIds.AsmInvalidRegister);
        return r;
    }

    private static bool TrySplitWidth(string m, Dictionary<string, byte> table, out byte op, out bool w32)
    {
        w32 = false;
        if (table.TryGetValue(m, out op))
            return true;
        if (m.EndsWith("32", StringComparison.Ordinal) && table.TryGetValue(m[..^2], out op))
        {
            w32 = true;
            return true;
        }
        return m.EndsWith("64", StringComparison.Ordinal) && table.TryGetValue(m[..^2], out op);
    }

    private static bool TryEndian(string m, out byte opcode, out int width)
    {
        opcode = 0;
        string rest;
        if (m.StartsWith("bswap", StringComparison.Ordinal))
        {
            rest = m[5..];
            opcode = Opcodes.ClassAlu64 | Opcodes.End | Opcodes.SourceK;
        }
        else if (m.StartsWith("swap", StringComparison.Ordinal))
        {
            rest = m[4..];
            opcode = Opcodes.ClassAlu64 | Opcodes.End | Opcodes.SourceK;
        }
        else if (m.StartsWith("le", StringComparison.Ordinal))
        {
            rest = m[2..];
            opcode = Opcodes.ClassAlu | Opcodes.End | Opcodes.SourceK;
        }
        else if (m.StartsWith("be", StringComparison.Ordinal))
        {
            rest = m[2..];
            opcode = Opcodes.ClassAlu | Opcodes.End | Opcodes.SourceX;
        }
        else
        {
            width = 0;
            return false;
        }
        width = rest switch { "16" => 16, "32" => 32, "64" => 64, _ => 0 };
        return width != 0;
    }
}
