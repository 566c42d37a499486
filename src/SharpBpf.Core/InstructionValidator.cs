using SharpBpf.Core.Diagnostics;

namespace SharpBpf.Core;

/// <summary>
/// Checks that a slot is a defined eBPF instruction with its unused fields zero, and that a
/// program is well formed (lddw pairs, jump and call targets). The rules are RFC 9669's, with the
/// Linux additions the kernel here accepts; "reserved" means the kernel's "uses reserved fields".
/// </summary>
public static class InstructionValidator
{
    /// <summary>Highest register number (r10, the read-only frame pointer).</summary>
    public const int MaxRegister = 10;

    /// <summary>Validates one slot alone; returns null when valid, else the diagnostic id and reason.</summary>
    public static (string Id, string Reason)? ValidateSlot(Instruction insn)
    {
        byte op = insn.Opcode;
        var kind = OpcodeTable.KindOf(op);
        if (kind == InstructionKind.Invalid)
            return (DiagnosticIds.InvalidOpcode, $"invalid opcode 0x{op:x2}");
        if (insn.Dst > MaxRegister)
            return (DiagnosticIds.InvalidRegister, $"invalid dst register r{insn.Dst}");
        if (insn.Src > MaxRegister && kind is not (InstructionKind.LoadImm64 or InstructionKind.Call))
            return (DiagnosticIds.InvalidRegister, $"invalid src register r{insn.Src}");

        bool x = OpcodeTable.UsesSrcRegister(op);
        int aluOp = op & 0xf0;
        switch (kind)
        {
            case InstructionKind.Alu:
                if (!x && insn.Src != 0) return Reserved(insn, "src", insn.Src);
                if (x && insn.Immediate != 0) return Reserved(insn, "imm", insn.Immediate);
                // sdiv/smod: offset 1 (RFC 9669, 4.1); any other offset is reserved.
                if (insn.Offset != 0 && !(insn.Offset == 1 && aluOp is Opcodes.Div or Opcodes.Mod))
                    return Reserved(insn, "offset", insn.Offset);
                return null;
            case InstructionKind.Neg:
                if (insn.Src != 0) return Reserved(insn, "src", insn.Src);
                if (insn.Offset != 0) return Reserved(insn, "offset", insn.Offset);
                if (insn.Immediate != 0) return Reserved(insn, "imm", insn.Immediate);
                return null;
            case InstructionKind.Mov:
                if (!x)
                {
                    if (insn.Src != 0) return Reserved(insn, "src", insn.Src);
                    if (insn.Offset != 0) return Reserved(insn, "offset", insn.Offset);
                    return null;
                }
                if (insn.Offset == Opcodes.AddrSpaceCastOffset && insn.Class == Opcodes.ClassAlu64)
                {
                    // addr_space_cast: imm = dst_as << 16 | src_as; the kernel accepts 0<->1 casts only.
                    return insn.Immediate is 1 or 0x10000
                        ? null
                        : (DiagnosticIds.InvalidFieldValue, $"addr_space_cast: unsupported address spaces imm 0x{insn.Immediate:x}");
                }
                if (insn.Immediate != 0) return Reserved(insn, "imm", insn.Immediate);
                // movsx: offset 8, 16 (both classes) or 32 (ALU64 only).
                bool okOff = insn.Offset is 0 or 8 or 16 || (insn.Offset == 32 && insn.Class == Opcodes.ClassAlu64);
                return okOff ? null : Reserved(insn, "offset", insn.Offset);
            case InstructionKind.Endian:
                if (insn.Src != 0) return Reserved(insn, "src", insn.Src);
                if (insn.Offset != 0) return Reserved(insn, "offset", insn.Offset);
                return insn.Immediate is 16 or 32 or 64
                    ? null
                    : (DiagnosticIds.InvalidFieldValue, $"byte swap width must be 16, 32 or 64 (is {insn.Immediate})");
            case InstructionKind.Jump:
                if (!x && insn.Src != 0) return Reserved(insn, "src", insn.Src);
                if (x && insn.Immediate != 0) return Reserved(insn, "imm", insn.Immediate);
                return null;
            case InstructionKind.Ja:
            case InstructionKind.MayGoto:
                if (insn.Dst != 0) return Reserved(insn, "dst", insn.Dst);
                if (insn.Src != 0) return Reserved(insn, "src", insn.Src);
                if (insn.Immediate != 0) return Reserved(insn, "imm", insn.Immediate);
                return null;
            case InstructionKind.Gotol:
                if (insn.Dst != 0) return Reserved(insn, "dst", insn.Dst);
                if (insn.Src != 0) return Reserved(insn, "src", insn.Src);
                if (insn.Offset != 0) return Reserved(insn, "offset", insn.Offset);
                return null;
            case InstructionKind.Call:
                if (insn.Dst != 0) return Reserved(insn, "dst", insn.Dst);
                if (insn.Src > (int)CallSource.Kfunc)
                    return (DiagnosticIds.InvalidFieldValue, $"call: unknown src {insn.Src}");
                // A kfunc call keeps the module BTF's fd_array index in offset.
                if (insn.Offset != 0 && insn.Src != (int)CallSource.Kfunc) return Reserved(insn, "offset", insn.Offset);
                return null;
            case InstructionKind.CallX:
                if (insn.Src != 0) return Reserved(insn, "src", insn.Src);
                if (insn.Offset != 0) return Reserved(insn, "offset", insn.Offset);
                if (insn.Immediate != 0) return Reserved(insn, "imm", insn.Immediate);
                return null;
            case InstructionKind.Exit:
                if (insn.Dst != 0) return Reserved(insn, "dst", insn.Dst);
                if (insn.Src != 0) return Reserved(insn, "src", insn.Src);
                if (insn.Offset != 0) return Reserved(insn, "offset", insn.Offset);
                if (insn.Immediate != 0) return Reserved(insn, "imm", insn.Immediate);
                return null;
            case InstructionKind.LoadImm64:
                if (insn.Src > (int)LoadImm64Source.MapIdxValue)
                    return (DiagnosticIds.InvalidFieldValue, $"lddw: unknown pseudo source {insn.Src}");
                if (insn.Offset != 0) return Reserved(insn, "offset", insn.Offset);
                return null;
            case InstructionKind.LoadAbs:
            case InstructionKind.LoadInd:
                if (insn.Dst != 0) return Reserved(insn, "dst", insn.Dst);
                if (kind == InstructionKind.LoadAbs && insn.Src != 0) return Reserved(insn, "src", insn.Src);
                if (insn.Offset != 0) return Reserved(insn, "offset", insn.Offset);
                return null;
            case InstructionKind.Load:
            case InstructionKind.LoadSx:
            case InstructionKind.Store:
                if (insn.Immediate != 0) return Reserved(insn, "imm", insn.Immediate);
                return null;
            case InstructionKind.StoreImm:
                if (insn.Src != 0) return Reserved(insn, "src", insn.Src);
                return null;
            case InstructionKind.Atomic:
                return ValidateAtomic(insn);
            default:
                return (DiagnosticIds.InvalidOpcode, $"invalid opcode 0x{op:x2}");
        }
    }

    private static (string, string)? ValidateAtomic(Instruction insn)
    {
        int size = Opcodes.SizeInBytes(insn.Opcode);
        int imm = insn.Immediate;
        if (imm is Opcodes.AtomicLoadAcquire or Opcodes.AtomicStoreRelease)
            return null;
        bool rmw = imm is 0x00 or 0x40 or 0x50 or 0xa0 or 0x01 or 0x41 or 0x51 or 0xa1
            or Opcodes.AtomicXchg or Opcodes.AtomicCmpXchg;
        if (!rmw)
            return (DiagnosticIds.InvalidFieldValue, $"atomic: unknown operation imm 0x{imm:x}");
        // Read-modify-write atomics exist in W and DW only (RFC 9669, 5.3).
        return size is 4 or 8
            ? null
            : (DiagnosticIds.InvalidFieldValue, $"atomic: operation 0x{imm:x} needs a 4 or 8 byte size, not {size}");
    }

    private static (string, string) Reserved(Instruction insn, string field, int value) =>
        (DiagnosticIds.ReservedField, $"opcode 0x{insn.Opcode:x2} uses reserved field {field} (is {value}, must be 0)");

    /// <summary>
    /// Validates a whole program: every slot, lddw pairs and branch targets. Returns the first
    /// problem, or null.
    /// </summary>
    public static Diagnostic? ValidateProgram(ReadOnlySpan<Instruction> program)
    {
        if (program.Length == 0)
            return new Diagnostic(DiagnosticIds.EmptyProgram, "program has no instructions", SourceLocation.None);
        var second = new bool[program.Length];
        for (int pc = 0; pc < program.Length; pc++)
        {
            var insn = program[pc];
            var bad = ValidateSlot(insn);
            if (bad is { } b)
                return At(pc, b.Id, b.Reason);
            if (insn.IsWide)
            {
                if (pc + 1 >= program.Length)
                    return At(pc, DiagnosticIds.IncompleteLoadImm64, "lddw is missing its second slot");
                var next = program[pc + 1];
                if (next.Opcode != 0 || next.Dst != 0 || next.Src != 0 || next.Offset != 0)
                    return At(pc + 1, DiagnosticIds.IncompleteLoadImm64,
                        "second slot of lddw must have opcode, registers and offset 0");
                second[++pc] = true;
            }
        }
        for (int pc = 0; pc < program.Length; pc++)
        {
            if (TryGetTarget(program, pc, out long target))
            {
                if (target < 0 || target >= program.Length)
                    return At(pc, DiagnosticIds.TargetOutOfRange, $"jump to {target} is outside the program (0..{program.Length - 1})");
                if (second[(int)target])
                    return At(pc, DiagnosticIds.TargetInsideLoadImm64, $"jump to {target} lands inside lddw");
            }
            if (program[pc].IsWide)
                pc++;
        }
        return null;
    }

    /// <summary>
    /// The slot a branch, local call, gotol or BPF_PSEUDO_FUNC lddw at <paramref name="pc"/> refers to.
    /// </summary>
    public static bool TryGetTarget(ReadOnlySpan<Instruction> program, int pc, out long target)
    {
        var insn = program[pc];
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Jump:
            case InstructionKind.Ja:
            case InstructionKind.MayGoto:
                target = pc + 1L + insn.Offset;
                return true;
            case InstructionKind.Gotol:
                target = pc + 1L + insn.Immediate;
                return true;
            case InstructionKind.Call when insn.Src == (int)CallSource.Local:
                target = pc + 1L + insn.Immediate;
                return true;
            case InstructionKind.LoadImm64 when insn.Src == (int)LoadImm64Source.Func:
                target = pc + 1L + insn.Immediate;
                return true;
            default:
                target = 0;
                return false;
        }
    }

    private static Diagnostic At(int pc, string id, string message) =>
        new(id, message, SourceLocation.AtPc(pc) with { Offset = pc * 8L });
}
