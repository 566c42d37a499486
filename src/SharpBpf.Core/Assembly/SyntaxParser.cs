using SharpBpf.Core.Diagnostics;

namespace SharpBpf.Core.Assembly;

/// <summary>What both syntax parsers share: emitting slots with their label fixups.</summary>
internal abstract class SyntaxParser
{
    /// <summary>Parses one instruction line (labels and listing prefixes already removed).</summary>
    public abstract void ParseLine(TokenCursor c, List<AsmItem> output);

    /// <summary>Whether a label line may carry an instruction after the colon.</summary>
    public abstract bool InstructionAfterLabel { get; }

    protected static void EmitBranch(List<AsmItem> output, TokenCursor c, byte opcode, int dst, int src, int imm, JumpTarget target)
    {
        if (target.Label is not null)
        {
            output.Add(new AsmItem(new Instruction(opcode, dst, src, 0, imm), FixupField.Offset, target));
            return;
        }
        output.Add(AsmItem.Plain(new Instruction(opcode, dst, src, c.Offset16(target.Offset, target.Token), imm)));
    }

    protected static void EmitLong(List<AsmItem> output, TokenCursor c, Instruction insn, JumpTarget target)
    {
        if (target.Label is not null)
        {
            output.Add(new AsmItem(insn, FixupField.Immediate, target));
            return;
        }
        if (target.Offset < int.MinValue || target.Offset > int.MaxValue)
            throw c.Error($"target {target.Offset} does not fit 32 bits", target.Token, DiagnosticIds.AsmOutOfRange);
        output.Add(AsmItem.Plain(insn.WithImmediate((int)target.Offset)));
    }

    protected static void EmitLoadImm64(List<AsmItem> output, int dst, int src, long value)
    {
        output.Add(AsmItem.Plain(new Instruction(Opcodes.LoadImm64, dst, src, 0, unchecked((int)value))));
        output.Add(AsmItem.Plain(new Instruction(0, 0, 0, 0, unchecked((int)(value >> 32)))));
    }

    /// <summary><c>ld_pseudo dst, src, imm[, next_imm]</c>, after the mnemonic and destination.</summary>
    protected static void PseudoTail(List<AsmItem> output, TokenCursor c, int dst)
    {
        c.Expect(",");
        var srcTok = c.Peek();
        var (src, _, _) = c.SignedNumber();
        if (src is < 1 or > (int)LoadImm64Source.MapIdxValue)
            throw c.Error($"ld_pseudo source must be 1..6 (is {src})", srcTok, DiagnosticIds.AsmOutOfRange);
        c.Expect(",");
        // ld_pseudo's immediates are printed unsigned (LLVM's printImm64Operand).
        bool saved = c.UnsignedDecimal32;
        c.UnsignedDecimal32 = true;
        int imm = c.Imm32();
        int next = 0;
        if (c.Accept(","))
            next = c.Imm32();
        c.UnsignedDecimal32 = saved;
        c.ExpectEnd();
        output.Add(AsmItem.Plain(new Instruction(Opcodes.LoadImm64, dst, (int)src, 0, imm)));
        output.Add(AsmItem.Plain(new Instruction(0, 0, 0, 0, next)));
    }

    /// <summary><c>.quad N</c>: one raw slot.</summary>
    protected static void Quad(List<AsmItem> output, TokenCursor c)
    {
        long v = c.Imm64();
        c.ExpectEnd();
        output.Add(AsmItem.Plain(Instruction.FromRaw(unchecked((ulong)v))));
    }

    protected static byte SizeFromSuffix(string suffix) => suffix switch
    {
        "b" => Opcodes.SizeB,
        "h" => Opcodes.SizeH,
        "w" => Opcodes.SizeW,
        "dw" => Opcodes.SizeDW,
        _ => 0xff,
    };

    protected static byte SizeFromType(string type, out bool signed)
    {
        signed = type.Length > 0 && type[0] == 's';
        return type switch
        {
            "u8" or "s8" => Opcodes.SizeB,
            "u16" or "s16" => Opcodes.SizeH,
            "u32" or "s32" => Opcodes.SizeW,
            "u64" or "s64" => Opcodes.SizeDW,
            _ => 0xff,
        };
    }
}
