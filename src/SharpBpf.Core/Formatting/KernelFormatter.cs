using static SharpBpf.Core.Formatting.FormatterShared;

namespace SharpBpf.Core.Formatting;

/// <summary>
/// The kernel's own printer (kernel/bpf/disasm.c, print_bpf_insn), as bpftool prints xlated
/// programs: <c>(bf) r6 = r1</c>, <c>(15) if r1 == 0x5 goto pc+3</c>,
/// <c>(85) call bpf_map_lookup_elem#1</c>, <c>(18) r1 = map[id:5]</c>. Output only.
/// </summary>
public sealed class KernelFormatter : IInstructionFormatter
{
    /// <summary>The shared instance (map references printed as the kernel's xlated code has them: by id).</summary>
    public static KernelFormatter Instance { get; } = new();

    /// <inheritdoc/>
    public string Format(ReadOnlySpan<Instruction> program, int pc)
    {
        var insn = program[pc];
        byte op = insn.Opcode;
        string head = $"({op:x2}) ";
        if (InstructionValidator.ValidateSlot(insn) is not null)
            return $"{head}BUG_{op:x2}";
        bool is64 = OpcodeTable.Is64(op);
        char rc = is64 ? 'r' : 'w';
        bool x = OpcodeTable.UsesSrcRegister(op);
        switch (OpcodeTable.KindOf(op))
        {
            case InstructionKind.Alu:
            {
                string sym = LlvmFormatter.AluOperator(op, insn.Offset);
                return x ? $"{head}{rc}{insn.Dst} {sym} {rc}{insn.Src}" : $"{head}{rc}{insn.Dst} {sym} {insn.Immediate}";
            }
            case InstructionKind.Neg:
                return $"{head}{rc}{insn.Dst} = -{rc}{insn.Dst}";
            case InstructionKind.Mov:
                if (!x)
                    return $"{head}{rc}{insn.Dst} = {insn.Immediate}";
                if (insn.Offset == Opcodes.AddrSpaceCastOffset && is64)
                    return $"{head}r{insn.Dst} = addr_space_cast(r{insn.Src}, {insn.Immediate >> 16}, {insn.Immediate & 0xffff})";
                return insn.Offset == 0
                    ? $"{head}{rc}{insn.Dst} = {rc}{insn.Src}"
                    : $"{head}{rc}{insn.Dst} = (s{insn.Offset}){rc}{insn.Src}";
            case InstructionKind.Endian:
            {
                string name = op == (Opcodes.ClassAlu64 | Opcodes.End) ? "bswap" : x ? "be" : "le";
                return $"{head}r{insn.Dst} = {name}{insn.Immediate} r{insn.Dst}";
            }
            case InstructionKind.Jump:
            {
                string rhs = x ? $"{rc}{insn.Src}" : $"0x{insn.Immediate:x}";
                return $"{head}if {rc}{insn.Dst} {LlvmFormatter.JumpOperator(op)} {rhs} goto pc{Signed(insn.Offset)}";
            }
            case InstructionKind.Ja:
                return $"{head}goto pc{Signed(insn.Offset)}";
            case InstructionKind.Gotol:
                return $"{head}gotol pc{Signed(insn.Immediate)}";
            case InstructionKind.MayGoto:
                return $"{head}may_goto pc{Signed(insn.Offset)}";
            case InstructionKind.Call:
                return (CallSource)insn.Src switch
                {
                    CallSource.Local => $"{head}call pc{Signed(insn.Immediate)}",
                    CallSource.Kfunc => $"{head}call kernel-function#{insn.Immediate}",
                    _ => $"{head}call {HelperIds.NameOf(insn.Immediate) ?? "unknown"}#{insn.Immediate}",
                };
            case InstructionKind.CallX:
                return $"{head}callx r{insn.Dst}";
            case InstructionKind.Exit:
                return $"{head}exit";
            case InstructionKind.LoadImm64:
            {
                if (!HasSecondSlot(program, pc))
                    return $"{head}BUG_ld_{op:x2}";
                ulong imm = Imm64(program, pc);
                uint next = (uint)program[pc + 1].Immediate;
                string value = (LoadImm64Source)insn.Src switch
                {
                    LoadImm64Source.MapFd => $"map[id:{(uint)insn.Immediate}]",
                    LoadImm64Source.MapValue => $"map[id:{(uint)insn.Immediate}][0]+{next}",
                    LoadImm64Source.MapIdx => $"map[idx:{(uint)insn.Immediate}]",
                    LoadImm64Source.MapIdxValue => $"map[idx:{(uint)insn.Immediate}]+{next}",
                    LoadImm64Source.Func => $"subprog[{Signed(insn.Immediate)}]",
                    LoadImm64Source.BtfId => $"btf_id[{(uint)insn.Immediate}]",
                    _ => $"0x{imm:x}",
                };
                return $"{head}r{insn.Dst} = {value}";
            }
            case InstructionKind.LoadAbs:
                return $"{head}r0 = *({SizeType(op, false)} *)skb[{insn.Immediate}]";
            case InstructionKind.LoadInd:
                return $"{head}r0 = *({SizeType(op, false)} *)skb[r{insn.Src} + {insn.Immediate}]";
            case InstructionKind.Load:
                return $"{head}r{insn.Dst} = *({SizeType(op, false)} *){Mem(insn.Src, insn.Offset)}";
            case InstructionKind.LoadSx:
                return $"{head}r{insn.Dst} = *({SizeType(op, true)} *){Mem(insn.Src, insn.Offset)}";
            case InstructionKind.StoreImm:
                return $"{head}*({SizeType(op, false)} *){Mem(insn.Dst, insn.Offset)} = {insn.Immediate}";
            case InstructionKind.Store:
                return $"{head}*({SizeType(op, false)} *){Mem(insn.Dst, insn.Offset)} = r{insn.Src}";
            case InstructionKind.Atomic:
                return head + Atomic(insn);
            default:
                return $"{head}BUG_{op:x2}";
        }
    }

    private static string Atomic(Instruction insn)
    {
        byte op = insn.Opcode;
        bool dw = (op & 0x18) == Opcodes.SizeDW;
        string t = SizeType(op, false), m = Mem(insn.Dst, insn.Offset);
        char rc = dw ? 'r' : 'w';
        string w64 = dw ? "64" : "";
        switch (insn.Immediate)
        {
            case Opcodes.AtomicLoadAcquire:
                return $"{rc}{insn.Dst} = load_acquire(({t} *){Mem(insn.Src, insn.Offset)})";
            case Opcodes.AtomicStoreRelease:
                return $"store_release(({t} *){m}, {rc}{insn.Src})";
            case Opcodes.AtomicXchg:
                return $"{rc}{insn.Src} = atomic{w64}_xchg(({t} *){m}, {rc}{insn.Src})";
            case Opcodes.AtomicCmpXchg:
                return $"{rc}0 = atomic{w64}_cmpxchg(({t} *){m}, {rc}0, {rc}{insn.Src})";
        }
        int aop = insn.Immediate & 0xf0;
        if ((insn.Immediate & Opcodes.AtomicFetch) != 0)
        {
            string name = aop switch { Opcodes.Or => "or", Opcodes.And => "and", Opcodes.Xor => "xor", _ => "add" };
            return $"{rc}{insn.Src} = atomic{w64}_fetch_{name}(({t} *){m}, {rc}{insn.Src})";
        }
        string sym = aop switch { Opcodes.Or => "|=", Opcodes.And => "&=", Opcodes.Xor => "^=", _ => "+=" };
        return $"lock *({t} *){m} {sym} r{insn.Src}";
    }

    // disasm.c prints "(r%d %+d)": "(r10 -8)", "(r1 +0)".
    private static string Mem(int reg, short off) => $"(r{reg} {Signed(off)})";
}
