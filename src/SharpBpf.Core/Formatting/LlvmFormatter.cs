using static SharpBpf.Core.Formatting.FormatterShared;

namespace SharpBpf.Core.Formatting;

/// <summary>
/// LLVM's BPF syntax, exactly as llvm-objdump 14 prints it (default, non-alu32 decoder tables), and
/// for what LLVM 14 cannot print, the form newer LLVM (18-20) uses: <c>s/=</c>, <c>(s8)</c> casts,
/// <c>bswap16</c>, <c>gotol</c>, <c>may_goto</c>, <c>callx</c>, <c>load_acquire</c>,
/// <c>store_release</c>, <c>addr_space_cast</c>, stores of immediates, 32-bit atomics.
/// Where no LLVM has a form, SharpBpf's own (docs/asm-syntax.md): <c>call pc+N</c> for a local
/// call, <c>call kfunc N</c>, <c>skb[rN + imm]</c>, <c>ld_pseudo</c> with a fourth operand,
/// <c>.quad</c> for undefined slots.
/// </summary>
public sealed class LlvmFormatter : IInstructionFormatter
{
    /// <summary>The shared instance.</summary>
    public static LlvmFormatter Instance { get; } = new();

    /// <inheritdoc/>
    public string Format(ReadOnlySpan<Instruction> program, int pc)
    {
        var insn = program[pc];
        if (InstructionValidator.ValidateSlot(insn) is not null)
            return Quad(insn);
        byte op = insn.Opcode;
        bool is64 = OpcodeTable.Is64(op);
        string d = Reg(insn.Dst, is64), s = Reg(insn.Src, is64);
        bool x = OpcodeTable.UsesSrcRegister(op);
        switch (OpcodeTable.KindOf(op))
        {
            case InstructionKind.Alu:
                return $"{d} {AluOperator(op, insn.Offset)} {(x ? s : insn.Immediate.ToString())}";
            case InstructionKind.Neg:
                return $"{d} = -{d}";
            case InstructionKind.Mov:
                if (!x)
                    return $"{d} = {insn.Immediate}";
                if (insn.Offset == Opcodes.AddrSpaceCastOffset && is64)
                    return $"{d} = addr_space_cast({s}, {insn.Immediate >> 16}, {insn.Immediate & 0xffff})";
                return insn.Offset == 0 ? $"{d} = {s}" : $"{d} = (s{insn.Offset}){s}";
            case InstructionKind.Endian:
            {
                // LLVM prints r registers for every byte swap, ALU class included.
                string name = op == (Opcodes.ClassAlu64 | Opcodes.End) ? "bswap"
                    : (op & Opcodes.SourceX) != 0 ? "be" : "le";
                return $"r{insn.Dst} = {name}{insn.Immediate} r{insn.Dst}";
            }
            case InstructionKind.Jump:
            {
                string rhs = x ? s : insn.Immediate.ToString();
                return $"if {d} {JumpOperator(op)} {rhs} goto {Signed(insn.Offset)}";
            }
            case InstructionKind.Ja:
                return $"goto {Signed(insn.Offset)}";
            case InstructionKind.Gotol:
                return $"gotol {Signed(insn.Immediate)}";
            case InstructionKind.MayGoto:
                return $"may_goto {Signed(insn.Offset)}";
            case InstructionKind.Call:
                return (CallSource)insn.Src switch
                {
                    CallSource.Local => $"call pc{Signed(insn.Immediate)}",
                    CallSource.Kfunc => insn.Offset == 0 ? $"call kfunc {insn.Immediate}" : $"call kfunc {insn.Immediate}, {insn.Offset}",
                    _ => $"call {insn.Immediate}",
                };
            case InstructionKind.CallX:
                return $"callx r{insn.Dst}";
            case InstructionKind.Exit:
                return "exit";
            case InstructionKind.LoadImm64:
            {
                if (!HasSecondSlot(program, pc))
                    return Quad(insn);
                if (insn.Src == 0)
                    return $"r{insn.Dst} = {(long)Imm64(program, pc)} ll";
                uint next = (uint)program[pc + 1].Immediate;
                string tail = next == 0 ? "" : $", {next}";
                return $"ld_pseudo r{insn.Dst}, {insn.Src}, {(uint)insn.Immediate}{tail}";
            }
            case InstructionKind.LoadAbs:
                return $"r0 = *({SizeType(op, false)} *)skb[{insn.Immediate}]";
            case InstructionKind.LoadInd:
                return insn.Immediate == 0
                    ? $"r0 = *({SizeType(op, false)} *)skb[r{insn.Src}]"
                    : $"r0 = *({SizeType(op, false)} *)skb[r{insn.Src} {AddSub(insn.Immediate)}]";
            case InstructionKind.Load:
                return $"r{insn.Dst} = *({SizeType(op, false)} *){Mem(insn.Src, insn.Offset)}";
            case InstructionKind.LoadSx:
                return $"r{insn.Dst} = *({SizeType(op, true)} *){Mem(insn.Src, insn.Offset)}";
            case InstructionKind.StoreImm:
                return $"*({SizeType(op, false)} *){Mem(insn.Dst, insn.Offset)} = {insn.Immediate}";
            case InstructionKind.Store:
                return $"*({SizeType(op, false)} *){Mem(insn.Dst, insn.Offset)} = r{insn.Src}";
            case InstructionKind.Atomic:
                return FormatAtomic(insn);
            default:
                return Quad(insn);
        }
    }

    private static string FormatAtomic(Instruction insn)
    {
        byte op = insn.Opcode;
        bool dw = (op & 0x18) == Opcodes.SizeDW;
        string type = SizeType(op, false);
        string mem = Mem(insn.Dst, insn.Offset);
        string addr = mem[1..^1]; // "r1 + 4" for xchg/cmpxchg, which LLVM prints without a cast
        string v = (dw ? "r" : "w") + insn.Src;
        switch (insn.Immediate)
        {
            case Opcodes.AtomicLoadAcquire:
                // dst = load_acquire(src + off).
                return $"{(dw ? "r" : "w")}{insn.Dst} = load_acquire(({type} *){Mem(insn.Src, insn.Offset)})";
            case Opcodes.AtomicStoreRelease:
                return $"store_release(({type} *){mem}, {v})";
            case Opcodes.AtomicXchg:
                return dw ? $"{v} = xchg_64({addr}, {v})" : $"{v} = xchg32_32({addr}, {v})";
            case Opcodes.AtomicCmpXchg:
                return dw ? $"r0 = cmpxchg_64({addr}, r0, {v})" : $"w0 = cmpxchg32_32({addr}, w0, {v})";
        }
        int aop = insn.Immediate & 0xf0;
        bool fetch = (insn.Immediate & Opcodes.AtomicFetch) != 0;
        string name = aop switch { Opcodes.Or => "or", Opcodes.And => "and", Opcodes.Xor => "xor", _ => "add" };
        if (fetch)
            return $"{v} = atomic_fetch_{name}(({type} *){mem}, {v})";
        string sym = aop switch { Opcodes.Or => "|", Opcodes.And => "&", Opcodes.Xor => "^", _ => "+" };
        // LLVM 14's default tables decode the 32-bit add (XADDW) with an r register; the other
        // 32-bit atomics exist only in its alu32 tables, with w registers.
        if (!dw && aop == Opcodes.Add)
            v = "r" + insn.Src;
        return $"lock *({type} *){mem} {sym}= {v}";
    }

    private static string Reg(int r, bool is64) => (is64 ? "r" : "w") + r;

    private static string Mem(int reg, short off) => $"(r{reg} {AddSub(off)})";

    private static string AddSub(long value) => value < 0 ? $"- {-value}" : $"+ {value}";

    /// <summary>The compound assignment operator of an ALU opcode.</summary>
    internal static string AluOperator(byte opcode, short offset) => (opcode & 0xf0) switch
    {
        Opcodes.Add => "+=",
        Opcodes.Sub => "-=",
        Opcodes.Mul => "*=",
        Opcodes.Div => offset == 1 ? "s/=" : "/=",
        Opcodes.Or => "|=",
        Opcodes.And => "&=",
        Opcodes.Lsh => "<<=",
        Opcodes.Rsh => ">>=",
        Opcodes.Mod => offset == 1 ? "s%=" : "%=",
        Opcodes.Xor => "^=",
        Opcodes.Arsh => "s>>=",
        _ => "?=",
    };

    /// <summary>The comparison operator of a conditional jump opcode.</summary>
    internal static string JumpOperator(byte opcode) => (opcode & 0xf0) switch
    {
        Opcodes.Jeq => "==",
        Opcodes.Jgt => ">",
        Opcodes.Jge => ">=",
        Opcodes.Jset => "&",
        Opcodes.Jne => "!=",
        Opcodes.Jsgt => "s>",
        Opcodes.Jsge => "s>=",
        Opcodes.Jlt => "<",
        Opcodes.Jle => "<=",
        Opcodes.Jslt => "s<",
        Opcodes.Jsle => "s<=",
        _ => "?",
    };
}
