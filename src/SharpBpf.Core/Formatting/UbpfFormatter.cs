using static SharpBpf.Core.Formatting.FormatterShared;

namespace SharpBpf.Core.Formatting;

/// <summary>
/// The uBPF / bpf_conformance assembly syntax (<c>mov32 %r0, 1</c>, <c>jgt %r1, 5, +3</c>,
/// <c>stxw [%r10-4], %r1</c>, <c>lock fetch add [%r1+0], %r2</c>), with SharpBpf's additions for
/// what that assembler has no name for (docs/asm-syntax.md): <c>may_goto</c>, <c>ld_pseudo</c>,
/// <c>ldabs*</c>/<c>ldind*</c>, <c>ldacq*</c>/<c>strel*</c>, <c>addr_space_cast</c>, <c>.quad</c>.
/// </summary>
public sealed class UbpfFormatter : IInstructionFormatter
{
    /// <summary>The shared instance.</summary>
    public static UbpfFormatter Instance { get; } = new();

    /// <inheritdoc/>
    public string Format(ReadOnlySpan<Instruction> program, int pc)
    {
        var insn = program[pc];
        if (InstructionValidator.ValidateSlot(insn) is not null)
            return Quad(insn);
        byte op = insn.Opcode;
        bool is64 = OpcodeTable.Is64(op);
        string sfx = is64 ? "" : "32";
        string d = "%r" + insn.Dst, s = "%r" + insn.Src;
        bool x = OpcodeTable.UsesSrcRegister(op);
        string src = x ? s : insn.Immediate.ToString();
        switch (OpcodeTable.KindOf(op))
        {
            case InstructionKind.Alu:
                return $"{AluName(op, insn.Offset)}{sfx} {d}, {src}";
            case InstructionKind.Neg:
                return $"neg{sfx} {d}";
            case InstructionKind.Mov:
                if (x && insn.Offset == Opcodes.AddrSpaceCastOffset && is64)
                    return $"addr_space_cast {d}, {s}, {insn.Immediate >> 16}, {insn.Immediate & 0xffff}";
                if (x && insn.Offset != 0)
                    return $"movsx{insn.Offset}{(is64 ? "64" : "32")} {d}, {s}";
                return $"mov{sfx} {d}, {src}";
            case InstructionKind.Endian:
            {
                string name = op == (Opcodes.ClassAlu64 | Opcodes.End) ? "bswap" : x ? "be" : "le";
                return $"{name}{insn.Immediate} {d}";
            }
            case InstructionKind.Jump:
                return $"{JumpName(op)}{sfx} {d}, {src}, {Signed(insn.Offset)}";
            case InstructionKind.Ja:
                return $"ja {Signed(insn.Offset)}";
            case InstructionKind.Gotol:
                return $"ja32 {Signed(insn.Immediate)}";
            case InstructionKind.MayGoto:
                return $"may_goto {Signed(insn.Offset)}";
            case InstructionKind.Call:
                return (CallSource)insn.Src switch
                {
                    CallSource.Local => $"call local {Signed(insn.Immediate)}",
                    CallSource.Kfunc => insn.Offset == 0 ? $"call runtime {insn.Immediate}" : $"call runtime {insn.Immediate}, {insn.Offset}",
                    _ => $"call {insn.Immediate}",
                };
            case InstructionKind.CallX:
                return $"call {d}";
            case InstructionKind.Exit:
                return "exit";
            case InstructionKind.LoadImm64:
            {
                if (!HasSecondSlot(program, pc))
                    return Quad(insn);
                if (insn.Src == 0)
                    return $"lddw {d}, 0x{Imm64(program, pc):x}";
                uint next = (uint)program[pc + 1].Immediate;
                string tail = next == 0 ? "" : $", {next}";
                return $"ld_pseudo {d}, {insn.Src}, {(uint)insn.Immediate}{tail}";
            }
            case InstructionKind.LoadAbs:
                return $"ldabs{SizeSuffix(op)} {insn.Immediate}";
            case InstructionKind.LoadInd:
                return $"ldind{SizeSuffix(op)} {s}, {insn.Immediate}";
            case InstructionKind.Load:
                return $"ldx{SizeSuffix(op)} {d}, {Mem(insn.Src, insn.Offset)}";
            case InstructionKind.LoadSx:
                return $"ldxs{SizeSuffix(op)} {d}, {Mem(insn.Src, insn.Offset)}";
            case InstructionKind.StoreImm:
                return $"st{SizeSuffix(op)} {Mem(insn.Dst, insn.Offset)}, {insn.Immediate}";
            case InstructionKind.Store:
                return $"stx{SizeSuffix(op)} {Mem(insn.Dst, insn.Offset)}, {s}";
            case InstructionKind.Atomic:
                return FormatAtomic(insn);
            default:
                return Quad(insn);
        }
    }

    private static string FormatAtomic(Instruction insn)
    {
        byte op = insn.Opcode;
        string sfx = (op & 0x18) == Opcodes.SizeDW ? "" : "32";
        string mem = Mem(insn.Dst, insn.Offset);
        string s = "%r" + insn.Src;
        switch (insn.Immediate)
        {
            case Opcodes.AtomicLoadAcquire:
                return $"ldacq{SizeSuffix(op)} %r{insn.Dst}, {Mem(insn.Src, insn.Offset)}";
            case Opcodes.AtomicStoreRelease:
                return $"strel{SizeSuffix(op)} {mem}, {s}";
            case Opcodes.AtomicXchg:
                return $"lock xchg{sfx} {mem}, {s}";
            case Opcodes.AtomicCmpXchg:
                return $"lock cmpxchg{sfx} {mem}, {s}";
        }
        string name = (insn.Immediate & 0xf0) switch { Opcodes.Or => "or", Opcodes.And => "and", Opcodes.Xor => "xor", _ => "add" };
        string fetch = (insn.Immediate & Opcodes.AtomicFetch) != 0 ? "fetch " : "";
        return $"lock {fetch}{name}{sfx} {mem}, {s}";
    }

    private static string Mem(int reg, short off) => off < 0 ? $"[%r{reg}{off}]" : $"[%r{reg}+{off}]";

    /// <summary>The uBPF mnemonic of an ALU operation (without the 32 suffix).</summary>
    internal static string AluName(byte opcode, short offset) => (opcode & 0xf0) switch
    {
        Opcodes.Add => "add",
        Opcodes.Sub => "sub",
        Opcodes.Mul => "mul",
        Opcodes.Div => offset == 1 ? "sdiv" : "div",
        Opcodes.Or => "or",
        Opcodes.And => "and",
        Opcodes.Lsh => "lsh",
        Opcodes.Rsh => "rsh",
        Opcodes.Mod => offset == 1 ? "smod" : "mod",
        Opcodes.Xor => "xor",
        Opcodes.Arsh => "arsh",
        _ => "?",
    };

    /// <summary>The uBPF mnemonic of a conditional jump (without the 32 suffix).</summary>
    internal static string JumpName(byte opcode) => (opcode & 0xf0) switch
    {
        Opcodes.Jeq => "jeq",
        Opcodes.Jgt => "jgt",
        Opcodes.Jge => "jge",
        Opcodes.Jset => "jset",
        Opcodes.Jne => "jne",
        Opcodes.Jsgt => "jsgt",
        Opcodes.Jsge => "jsge",
        Opcodes.Jlt => "jlt",
        Opcodes.Jle => "jle",
        Opcodes.Jslt => "jslt",
        Opcodes.Jsle => "jsle",
        _ => "?",
    };
}
