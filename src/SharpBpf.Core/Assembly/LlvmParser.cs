using SharpBpf.Core.Diagnostics;

namespace SharpBpf.Core.Assembly;

/// <summary>
/// LLVM's BPF pseudo-C syntax, as llvm-objdump prints it, with the newer LLVM forms and SharpBpf's
/// additions the <see cref="Formatting.LlvmFormatter"/> writes (docs/asm-syntax.md).
/// </summary>
internal sealed class LlvmParser : SyntaxParser
{
    public override bool InstructionAfterLabel => true;

    public override void ParseLine(TokenCursor c, List<AsmItem> output)
    {
        var first = c.Peek();
        if (first.Kind == AsmTokenKind.Identifier && TryRegister(first.Text, out _, out _))
        {
            ParseRegisterStatement(c, output);
            return;
        }
        if (first.Is("*"))
        {
            ParseStore(c, output);
            return;
        }
        if (first.Kind != AsmTokenKind.Identifier)
            throw c.Error($"expected an instruction but found {first}", first);
        c.Next();
        switch (first.Text)
        {
            case "exit":
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction(Opcodes.ExitOpcode, 0, 0, 0, 0)));
                return;
            case "goto":
                EmitBranch(output, c, Opcodes.ClassJmp | Opcodes.Ja, 0, 0, 0, TargetEnd(c));
                return;
            case "may_goto":
                EmitBranch(output, c, Opcodes.ClassJmp | Opcodes.Jcond, 0, 0, 0, TargetEnd(c));
                return;
            case "gotol":
                EmitLong(output, c, new Instruction(Opcodes.ClassJmp32 | Opcodes.Ja, 0, 0, 0, 0), TargetEnd(c));
                return;
            case "call":
                ParseCall(c, output);
                return;
            case "callx":
            {
                var (r, _) = Register(c);
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction(Opcodes.CallXOpcode, r, 0, 0, 0)));
                return;
            }
            case "if":
                ParseIf(c, output);
                return;
            case "lock":
                ParseLock(c, output);
                return;
            case "store_release":
            {
                c.Expect("(");
                var (size, _) = CastType(c);
                var (reg, off) = MemOperand(c);
                c.Expect(",");
                var (src, _) = Register(c);
                c.Expect(")");
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | size), reg, src, off,
                    Opcodes.AtomicStoreRelease)));
                return;
            }
            case "ld_pseudo":
            {
                var (d, w) = Register(c);
                if (w)
                    throw c.Error("ld_pseudo needs a 64-bit register", first, DiagnosticIds.AsmInvalidRegister);
                PseudoTail(output, c, d);
                return;
            }
            case ".quad":
            case ".8byte":
                Quad(output, c);
                return;
            default:
                throw c.Error($"unknown instruction '{first.Text}'", first, DiagnosticIds.AsmUnknownMnemonic);
        }
    }

    private static JumpTarget TargetEnd(TokenCursor c)
    {
        var t = c.Target();
        c.ExpectEnd();
        return t;
    }

    private static void ParseCall(TokenCursor c, List<AsmItem> output)
    {
        var t = c.Peek();
        if (t.Is("pc"))
        {
            c.Next();
            var tok = c.Peek();
            if (!tok.Is("+") && !tok.Is("-"))
                throw c.Error("expected 'pc+N' or 'pc-N'", tok);
            EmitLong(output, c, new Instruction(Opcodes.CallOpcode, 0, (int)CallSource.Local, 0, 0), TargetEnd(c));
            return;
        }
        if (t.Is("kfunc"))
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
        if (t.Kind == AsmTokenKind.Identifier)
        {
            // call <label>: a bpf-to-bpf call to a function in this text.
            EmitLong(output, c, new Instruction(Opcodes.CallOpcode, 0, (int)CallSource.Local, 0, 0), TargetEnd(c));
            return;
        }
        int imm = c.Imm32();
        c.ExpectEnd();
        output.Add(AsmItem.Plain(new Instruction(Opcodes.CallOpcode, 0, 0, 0, imm)));
    }

    private static void ParseIf(TokenCursor c, List<AsmItem> output)
    {
        var (d, w) = Register(c);
        var opTok = c.Next();
        byte jop = opTok.Text switch
        {
            "==" => Opcodes.Jeq, ">" => Opcodes.Jgt, ">=" => Opcodes.Jge, "&" => Opcodes.Jset, "!=" => Opcodes.Jne,
            "s>" => Opcodes.Jsgt, "s>=" => Opcodes.Jsge, "<" => Opcodes.Jlt, "<=" => Opcodes.Jle, "s<" => Opcodes.Jslt,
            "s<=" => Opcodes.Jsle,
            _ => throw c.Error($"expected a comparison operator but found {opTok}", opTok),
        };
        byte cls = w ? Opcodes.ClassJmp32 : Opcodes.ClassJmp;
        int src = 0, imm = 0;
        byte source = Opcodes.SourceK;
        if (c.Peek().Kind == AsmTokenKind.Identifier && TryRegister(c.Peek().Text, out _, out _))
        {
            var tok = c.Peek();
            (src, var sw) = Register(c);
            if (sw != w)
                throw c.Error("both operands of a comparison must be r or both w registers", tok, DiagnosticIds.AsmInvalidRegister);
            source = Opcodes.SourceX;
        }
        else
        {
            imm = c.Imm32();
        }
        c.Expect("goto");
        EmitBranch(output, c, (byte)(cls | jop | source), d, src, imm, TargetEnd(c));
    }

    private static void ParseLock(TokenCursor c, List<AsmItem> output)
    {
        c.Expect("*");
        var (size, _) = CastType(c);
        var (reg, off) = MemOperand(c);
        var opTok = c.Next();
        int aop = opTok.Text switch
        {
            "+=" => Opcodes.Add, "|=" => Opcodes.Or, "&=" => Opcodes.And, "^=" => Opcodes.Xor,
            _ => throw c.Error($"expected +=, |=, &= or ^= but found {opTok}", opTok),
        };
        var (src, _) = Register(c);
        c.ExpectEnd();
        RequireAtomicSize(c, size, opTok);
        output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | size), reg, src, off, aop)));
    }

    private static void RequireAtomicSize(TokenCursor c, byte size, AsmToken at)
    {
        if (size is not (Opcodes.SizeW or Opcodes.SizeDW))
            throw c.Error("atomic read-modify-write needs u32 or u64", at);
    }

    private static void ParseStore(TokenCursor c, List<AsmItem> output)
    {
        c.Expect("*");
        var typeTok = c.Peek();
        var (size, signed) = CastType(c);
        if (signed)
            throw c.Error("a store takes an unsigned type", typeTok);
        var (reg, off) = MemOperand(c);
        c.Expect("=");
        var v = c.Peek();
        if (v.Kind == AsmTokenKind.Identifier && TryRegister(v.Text, out _, out _))
        {
            var (src, _) = Register(c);
            c.ExpectEnd();
            output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeMem | size), reg, src, off, 0)));
            return;
        }
        int imm = c.Imm32();
        c.ExpectEnd();
        output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassSt | Opcodes.ModeMem | size), reg, 0, off, imm)));
    }

    private static void ParseRegisterStatement(TokenCursor c, List<AsmItem> output)
    {
        var dTok = c.Peek();
        var (d, w) = Register(c);
        byte alu = w ? Opcodes.ClassAlu : Opcodes.ClassAlu64;
        var opTok = c.Next();
        if (opTok.Text != "=")
        {
            short off = 0;
            byte aop = opTok.Text switch
            {
                "+=" => Opcodes.Add, "-=" => Opcodes.Sub, "*=" => Opcodes.Mul, "/=" => Opcodes.Div, "|=" => Opcodes.Or,
                "&=" => Opcodes.And, "<<=" => Opcodes.Lsh, ">>=" => Opcodes.Rsh, "%=" => Opcodes.Mod, "^=" => Opcodes.Xor,
                "s>>=" => Opcodes.Arsh, "s/=" => Opcodes.Div, "s%=" => Opcodes.Mod,
                _ => throw c.Error($"expected an assignment operator but found {opTok}", opTok),
            };
            if (opTok.Text is "s/=" or "s%=")
                off = 1;
            EmitAluOperand(c, output, alu, aop, d, w, off);
            return;
        }

        var t = c.Peek();
        // r1 = -r1 (neg) or r1 = -5 (mov).
        if (t.Is("-") && c.Peek(1).Kind == AsmTokenKind.Identifier)
        {
            c.Next();
            var nTok = c.Peek();
            var (n, nw) = Register(c);
            if (n != d || nw != w)
                throw c.Error("neg must name the same register on both sides", nTok, DiagnosticIds.AsmInvalidRegister);
            c.ExpectEnd();
            output.Add(AsmItem.Plain(new Instruction((byte)(alu | Opcodes.Neg), d, 0, 0, 0)));
            return;
        }
        if (t.Kind == AsmTokenKind.Number || t.Is("-") || t.Is("+"))
        {
            var numTok = c.Peek();
            if (c.Peek(1).Is("ll") || (t.Is("-") && c.Peek(2).Is("ll")) || (t.Is("+") && c.Peek(2).Is("ll")))
            {
                long v = c.Imm64();
                c.Expect("ll");
                c.ExpectEnd();
                if (w)
                    throw c.Error("lddw needs a 64-bit register", dTok, DiagnosticIds.AsmInvalidRegister);
                EmitLoadImm64(output, d, 0, v);
                return;
            }
            int imm = c.Imm32();
            c.ExpectEnd();
            _ = numTok;
            output.Add(AsmItem.Plain(new Instruction((byte)(alu | Opcodes.Mov | Opcodes.SourceK), d, 0, 0, imm)));
            return;
        }
        if (t.Is("("))
        {
            // movsx: r1 = (s8)r2
            c.Next();
            var castTok = c.Next();
            short off = castTok.Text switch
            {
                "s8" => 8, "s16" => 16, "s32" => 32,
                _ => throw c.Error($"expected s8, s16 or s32 but found {castTok}", castTok),
            };
            c.Expect(")");
            var sTok = c.Peek();
            var (s, sw) = Register(c);
            if (sw != w)
                throw c.Error("movsx operands must both be r or both w registers", sTok, DiagnosticIds.AsmInvalidRegister);
            c.ExpectEnd();
            output.Add(AsmItem.Plain(new Instruction((byte)(alu | Opcodes.Mov | Opcodes.SourceX), d, s, off, 0)));
            return;
        }
        if (t.Is("*"))
        {
            c.Next();
            ParseLoad(c, output, d, dTok);
            return;
        }
        if (t.Kind != AsmTokenKind.Identifier)
            throw c.Error($"unexpected {t}", t);
        if (TryRegister(t.Text, out _, out _))
        {
            var (s, sw) = Register(c);
            if (sw != w)
                throw c.Error("mov operands must both be r or both w registers", t, DiagnosticIds.AsmInvalidRegister);
            c.ExpectEnd();
            output.Add(AsmItem.Plain(new Instruction((byte)(alu | Opcodes.Mov | Opcodes.SourceX), d, s, 0, 0)));
            return;
        }
        c.Next();
        string name = t.Text;
        if (TryEndian(name, out byte endOp, out int width))
        {
            var sTok = c.Peek();
            var (s, _) = Register(c);
            if (s != d)
                throw c.Error($"{name} must name the same register on both sides", sTok, DiagnosticIds.AsmInvalidRegister);
            c.ExpectEnd();
            output.Add(AsmItem.Plain(new Instruction(endOp, d, 0, 0, width)));
            return;
        }
        switch (name)
        {
            case "atomic_fetch_add":
            case "atomic_fetch_or":
            case "atomic_fetch_and":
            case "atomic_fetch_xor":
            {
                c.Expect("(");
                var (size, _) = CastType(c);
                var (reg, off) = MemOperand(c);
                c.Expect(",");
                var sTok = c.Peek();
                var (s, _) = Register(c);
                c.Expect(")");
                c.ExpectEnd();
                if (s != d)
                    throw c.Error("atomic_fetch_* returns into its value register", sTok, DiagnosticIds.AsmInvalidRegister);
                RequireAtomicSize(c, size, t);
                int aop = name[13..] switch { "add" => Opcodes.Add, "or" => Opcodes.Or, "and" => Opcodes.And, _ => Opcodes.Xor };
                output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | size), reg, s, off,
                    aop | Opcodes.AtomicFetch)));
                return;
            }
            case "xchg_64":
            case "xchg32_32":
            {
                c.Expect("(");
                var (reg, off) = AddrOperand(c);
                c.Expect(",");
                var sTok = c.Peek();
                var (s, _) = Register(c);
                c.Expect(")");
                c.ExpectEnd();
                if (s != d)
                    throw c.Error("xchg returns into its value register", sTok, DiagnosticIds.AsmInvalidRegister);
                byte size = name == "xchg_64" ? Opcodes.SizeDW : Opcodes.SizeW;
                output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | size), reg, s, off,
                    Opcodes.AtomicXchg)));
                return;
            }
            case "cmpxchg_64":
            case "cmpxchg32_32":
            {
                if (d != 0)
                    throw c.Error("cmpxchg returns into r0", dTok, DiagnosticIds.AsmInvalidRegister);
                c.Expect("(");
                var (reg, off) = AddrOperand(c);
                c.Expect(",");
                var zTok = c.Peek();
                var (z, _) = Register(c);
                if (z != 0)
                    throw c.Error("cmpxchg compares with r0", zTok, DiagnosticIds.AsmInvalidRegister);
                c.Expect(",");
                var (s, _) = Register(c);
                c.Expect(")");
                c.ExpectEnd();
                byte size = name == "cmpxchg_64" ? Opcodes.SizeDW : Opcodes.SizeW;
                output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | size), reg, s, off,
                    Opcodes.AtomicCmpXchg)));
                return;
            }
            case "load_acquire":
            {
                c.Expect("(");
                var (size, _) = CastType(c);
                var (reg, off) = MemOperand(c);
                c.Expect(")");
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | size), d, reg, off,
                    Opcodes.AtomicLoadAcquire)));
                return;
            }
            case "addr_space_cast":
            {
                c.Expect("(");
                var (s, _) = Register(c);
                c.Expect(",");
                int dstAs = c.Imm32();
                c.Expect(",");
                int srcAs = c.Imm32();
                c.Expect(")");
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, d, s,
                    Opcodes.AddrSpaceCastOffset, (dstAs << 16) | (srcAs & 0xffff))));
                return;
            }
            default:
                throw c.Error($"unknown operand '{name}'", t, DiagnosticIds.AsmUnknownMnemonic);
        }
    }

    private static void EmitAluOperand(TokenCursor c, List<AsmItem> output, byte alu, byte aop, int d, bool w, short off)
    {
        var t = c.Peek();
        if (t.Kind == AsmTokenKind.Identifier && TryRegister(t.Text, out _, out _))
        {
            var (s, sw) = Register(c);
            if (sw != w)
                throw c.Error("operands must both be r or both w registers", t, DiagnosticIds.AsmInvalidRegister);
            c.ExpectEnd();
            output.Add(AsmItem.Plain(new Instruction((byte)(alu | aop | Opcodes.SourceX), d, s, off, 0)));
            return;
        }
        int imm = c.Imm32();
        c.ExpectEnd();
        output.Add(AsmItem.Plain(new Instruction((byte)(alu | aop | Opcodes.SourceK), d, 0, off, imm)));
    }

    private static void ParseLoad(TokenCursor c, List<AsmItem> output, int d, AsmToken dTok)
    {
        var typeTok = c.Peek();
        var (size, signed) = CastType(c);
        if (c.Peek().Is("skb"))
        {
            c.Next();
            if (d != 0)
                throw c.Error("legacy packet loads write r0", dTok, DiagnosticIds.AsmInvalidRegister);
            if (signed || size == Opcodes.SizeDW)
                throw c.Error("legacy packet loads take u8, u16 or u32", typeTok);
            c.Expect("[");
            var t = c.Peek();
            if (t.Kind == AsmTokenKind.Identifier)
            {
                var (s, _) = Register(c);
                int imm = 0;
                if (c.Peek().Is("+") || c.Peek().Is("-"))
                    imm = c.Imm32();
                c.Expect("]");
                c.ExpectEnd();
                output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassLd | Opcodes.ModeInd | size), 0, s, 0, imm)));
                return;
            }
            int abs = c.Imm32();
            c.Expect("]");
            c.ExpectEnd();
            output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassLd | Opcodes.ModeAbs | size), 0, 0, 0, abs)));
            return;
        }
        var (reg, off) = MemOperand(c);
        c.ExpectEnd();
        if (signed && size == Opcodes.SizeDW)
            throw c.Error("there is no sign-extending 64-bit load; use u64", typeTok);
        byte mode = signed ? Opcodes.ModeMemSx : Opcodes.ModeMem;
        output.Add(AsmItem.Plain(new Instruction((byte)(Opcodes.ClassLdx | mode | size), d, reg, off, 0)));
    }

    /// <summary><c>(u32 *)</c>: returns the size bits and signedness.</summary>
    private static (byte Size, bool Signed) CastType(TokenCursor c)
    {
        c.Expect("(");
        var t = c.Next();
        byte size = SizeFromType(t.Text, out bool signed);
        if (t.Kind != AsmTokenKind.Identifier || size == 0xff)
            throw c.Error($"expected u8, u16, u32, u64, s8, s16 or s32 but found {t}", t);
        c.Expect("*");
        c.Expect(")");
        return (size, signed);
    }

    /// <summary><c>(r1 + 4)</c>, <c>(r1 - 4)</c> or <c>(r1)</c>.</summary>
    private static (int Reg, short Off) MemOperand(TokenCursor c)
    {
        c.Expect("(");
        var r = AddrOperand(c);
        c.Expect(")");
        return r;
    }

    /// <summary><c>r1 + 4</c>, <c>r1 - 4</c> or <c>r1</c>.</summary>
    private static (int Reg, short Off) AddrOperand(TokenCursor c)
    {
        var rTok = c.Peek();
        var (reg, w) = Register(c);
        if (w)
            throw c.Error("an address register must be an r register", rTok, DiagnosticIds.AsmInvalidRegister);
        short off = 0;
        if (c.Peek().Is("+") || c.Peek().Is("-"))
        {
            off = c.SignedOffset16();
        }
        return (reg, off);
    }

    private static (int Reg, bool W) Register(TokenCursor c)
    {
        var t = c.Peek();
        if (t.Kind != AsmTokenKind.Identifier || !TryRegister(t.Text, out int r, out bool w))
            throw c.Error($"expected a register but found {t}", t, DiagnosticIds.AsmInvalidRegister);
        if (r > InstructionValidator.MaxRegister)
            throw c.Error($"invalid register {t.Text}", t, DiagnosticIds.AsmInvalidRegister);
        c.Next();
        return (r, w);
    }

    /// <summary>Recognises r0..r15 / w0..w15 (range checked by the caller).</summary>
    internal static bool TryRegister(string text, out int reg, out bool w)
    {
        reg = 0;
        w = false;
        if (text.Length < 2 || text.Length > 3 || (text[0] != 'r' && text[0] != 'w'))
            return false;
        if (!int.TryParse(text.AsSpan(1), System.Globalization.NumberStyles.None, null, out reg) || text[1] == '+')
            return false;
        if (text.Length == 3 && text[1] == '0')
            return false;
        w = text[0] == 'w';
        return reg <= 99;
    }

    private static bool TryEndian(string name, out byte opcode, out int width)
    {
        opcode = 0;
        width = 0;
        string prefix;
        if (name.StartsWith("bswap", StringComparison.Ordinal))
        {
            prefix = "bswap";
            opcode = Opcodes.ClassAlu64 | Opcodes.End | Opcodes.SourceK;
        }
        else if (name.StartsWith("le", StringComparison.Ordinal))
        {
            prefix = "le";
            opcode = Opcodes.ClassAlu | Opcodes.End | Opcodes.SourceK;
        }
        else if (name.StartsWith("be", StringComparison.Ordinal))
        {
            prefix = "be";
            opcode = Opcodes.ClassAlu | Opcodes.End | Opcodes.SourceX;
        }
        else
        {
            return false;
        }
        width = name[prefix.Length..] switch { "16" => 16, "32" => 32, "64" => 64, _ => 0 };
        return width != 0;
    }
}
