using SharpBpf.Core;
using SharpBpf.Core.Diagnostics;

namespace SharpBpf.Runtime.Interpreter;

/// <summary>
/// Validates a program and turns it into <see cref="Op"/>s: one per instruction (lddw's second
/// slot removed, so indices count instructions), jump targets as relative indices, helpers
/// resolved, a sentinel after the last instruction so running off the end is caught without a
/// bounds check, and common adjacent pairs fused (<see cref="Fuse"/>).
/// </summary>
internal static class Predecoder
{
    public static bool TryPredecode(ReadOnlySpan<Instruction> program, HelperRegistry helpers,
        out Op[] ops, out int[] slotOf, out BpfHelper[] helperTable, out Diagnostic? diagnostic)
    {
        ops = [];
        slotOf = [];
        helperTable = [];
        diagnostic = InstructionValidator.ValidateProgram(program);
        if (diagnostic is not null)
            return false;

        // Slot -> instruction index.
        var indexOf = new int[program.Length + 1];
        int count = 0;
        for (int pc = 0; pc < program.Length; pc++)
        {
            indexOf[pc] = count++;
            if (program[pc].IsWide)
                indexOf[++pc] = -1;
        }
        indexOf[program.Length] = count;

        ops = new Op[count + 1];
        slotOf = new int[count + 1];
        var helperIds = new List<int>();
        var helperList = new List<BpfHelper>();
        for (int pc = 0; pc < program.Length; pc++)
        {
            var insn = program[pc];
            int i = indexOf[pc];
            slotOf[i] = pc;
            if (WritesFramePointer(insn))
            {
                diagnostic = new Diagnostic(DiagnosticIds.FramePointerWrite, "r10 is the read-only frame pointer",
                    SourceLocation.AtPc(pc) with { Offset = pc * 8L });
                return false;
            }
            var op = Decode(program, pc);
            // Targets are relative (target index - this index), so the loop needs no base pointer.
            if (InstructionValidator.TryGetTarget(program, pc, out long target))
                op.Aux = indexOf[target] - i;
            if (op.Code == OpCode.CallHelper)
            {
                if (!helpers.TryGet(insn.Immediate, out var fn))
                {
                    diagnostic = new Diagnostic(DiagnosticIds.UnknownHelper, $"call to unknown helper {insn.Immediate}",
                        SourceLocation.AtPc(pc) with { Offset = pc * 8L });
                    return false;
                }
                int h = helperIds.IndexOf(insn.Immediate);
                if (h < 0)
                {
                    h = helperIds.Count;
                    helperIds.Add(insn.Immediate);
                    helperList.Add(fn);
                }
                op.Aux = h;
            }
            ops[i] = op;
            if (insn.IsWide)
                pc++;
        }
        ops[count] = new Op { Code = OpCode.FellOff };
        slotOf[count] = program.Length;
        helperTable = [.. helperList];
        Fuse(ops, count);
        return true;
    }

    /// <summary>
    /// Replaces common adjacent pairs by one fused op at the first index. The second op stays as
    /// it is, so a jump into it runs it alone, and indices (hence instruction counts and fault
    /// pcs) keep meaning instructions. Each fused op is self-contained or reads only the
    /// second op's unchanging fields (a ja's target), so fusing i+1 with i+2 later is harmless.
    /// </summary>
    private static void Fuse(Op[] ops, int count)
    {
        for (int i = 0; i + 1 < count; i++)
        {
            ref Op a = ref ops[i];
            ref Op b = ref ops[i + 1];
            // Clang's loop latch "if cond goto +1; goto L": one dispatch for the pair.
            if (a.Code is >= OpCode.Jeq64K and <= OpCode.Jsle32X && a.Aux == 2 && b.Code == OpCode.Ja)
            {
                a.Code = (OpCode)((int)a.Code - (int)OpCode.Jeq64K + (int)OpCode.Jeq64KJa);
                continue;
            }
            // "rd = rs; rd op= x" (same width) becomes rd = rs op x. When x is rd itself it
            // reads the moved value, rs.
            if (a.Code is OpCode.Mov64X or OpCode.Mov32X && b.Dst == a.Dst && FusedAlu(a.Code == OpCode.Mov64X, b.Code) is { } fused)
            {
                a.Code = fused;
                a.Src2 = b.Src == a.Dst ? a.Src : b.Src;
                a.Imm = b.Imm;
            }
        }
    }

    /// <summary>The MovOp form of an ALU op of the given width, or null when it has none.</summary>
    private static OpCode? FusedAlu(bool is64, OpCode code)
    {
        int k = (int)code - (int)(is64 ? OpCode.Add64K : OpCode.Add32K);
        if (k is < 0 or >= 28)
            return null;
        bool x = k >= 14;
        // Position in the ALU block (Add Sub Mul Div Or And Lsh Rsh Mod Xor Mov Arsh SDiv SMod)
        // -> position in the MovOp block (Add Sub Mul Or And Xor Lsh Rsh Arsh).
        int fused = (k % 14) switch
        {
            0 => 0, 1 => 1, 2 => 2, 4 => 3, 5 => 4, 9 => 5, 6 => 6, 7 => 7, 11 => 8,
            _ => -1, // div, mod, mov, sdiv, smod: rare after a mov, not fused
        };
        if (fused < 0)
            return null;
        return (OpCode)((int)(is64 ? OpCode.MovAdd64K : OpCode.MovAdd32K) + (x ? 9 : 0) + fused);
    }

    private static bool WritesFramePointer(Instruction insn)
    {
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Alu:
            case InstructionKind.Neg:
            case InstructionKind.Mov:
            case InstructionKind.Endian:
            case InstructionKind.LoadImm64:
            case InstructionKind.Load:
            case InstructionKind.LoadSx:
                return insn.Dst == 10;
            case InstructionKind.Atomic:
                if (insn.Immediate == Opcodes.AtomicLoadAcquire)
                    return insn.Dst == 10;
                return (insn.Immediate & Opcodes.AtomicFetch) != 0 && insn.Src == 10 && insn.Immediate != Opcodes.AtomicCmpXchg;
            default:
                return false;
        }
    }

    private static Op Decode(ReadOnlySpan<Instruction> program, int pc)
    {
        var insn = program[pc];
        var op = new Op { Dst = (byte)insn.Dst, Src = (byte)insn.Src, Aux = insn.Offset };
        byte code = insn.Opcode;
        bool x = OpcodeTable.UsesSrcRegister(code);
        int aluIndex = (code >> 4) switch
        {
            0x0 => 0, 0x1 => 1, 0x2 => 2, 0x3 => 3, 0x4 => 4, 0x5 => 5, 0x6 => 6, 0x7 => 7, 0x9 => 8, 0xa => 9, 0xb => 10,
            0xc => 11, _ => -1,
        };
        switch (OpcodeTable.KindOf(code))
        {
            case InstructionKind.Alu:
            case InstructionKind.Mov when insn.Offset == 0 || (x && insn.Offset == Opcodes.AddrSpaceCastOffset && insn.Class == Opcodes.ClassAlu64):
            {
                bool is64 = insn.Class == Opcodes.ClassAlu64;
                int idx = aluIndex;
                if (insn.Offset == 1 && (code & 0xf0) == Opcodes.Div) idx = 12;
                if (insn.Offset == 1 && (code & 0xf0) == Opcodes.Mod) idx = 13;
                // addr_space_cast between the program's and user address space is a plain move here:
                // the interpreter has one address space.
                int baseCode = (is64 ? 0 : 28) + (x ? 14 : 0);
                op.Code = (OpCode)(baseCode + idx);
                if (!x)
                {
                    int shiftMask = is64 ? 63 : 31;
                    bool shift = (code & 0xf0) is Opcodes.Lsh or Opcodes.Rsh or Opcodes.Arsh;
                    op.Imm = shift ? insn.Immediate & shiftMask : is64 ? insn.Immediate : (uint)insn.Immediate;
                }
                return op;
            }
            case InstructionKind.Mov:
                op.Code = (insn.Class == Opcodes.ClassAlu64, insn.Offset) switch
                {
                    (true, 8) => OpCode.Movsx64B,
                    (true, 16) => OpCode.Movsx64H,
                    (true, _) => OpCode.Movsx64W,
                    (false, 8) => OpCode.Movsx32B,
                    _ => OpCode.Movsx32H,
                };
                return op;
            case InstructionKind.Neg:
                op.Code = insn.Class == Opcodes.ClassAlu64 ? OpCode.Neg64 : OpCode.Neg32;
                return op;
            case InstructionKind.Endian:
            {
                bool toLe = code == (Opcodes.ClassAlu | Opcodes.End | Opcodes.SourceK);
                op.Code = (toLe, insn.Immediate) switch
                {
                    (true, 16) => OpCode.Le16,
                    (true, 32) => OpCode.Le32,
                    (true, _) => OpCode.Le64,
                    (false, 16) => OpCode.Be16,
                    (false, 32) => OpCode.Be32,
                    _ => OpCode.Be64,
                };
                return op;
            }
            case InstructionKind.Jump:
            {
                int j = (code >> 4) switch
                {
                    0x1 => 0, 0x2 => 1, 0x3 => 2, 0x4 => 3, 0x5 => 4, 0x6 => 5, 0x7 => 6, 0xa => 7, 0xb => 8, 0xc => 9, _ => 10,
                };
                int baseCode = (int)(insn.Class == Opcodes.ClassJmp ? OpCode.Jeq64K : OpCode.Jeq32K) + (x ? 11 : 0);
                op.Code = (OpCode)(baseCode + j);
                op.Imm = insn.Immediate;
                return op;
            }
            case InstructionKind.Ja:
            case InstructionKind.Gotol:
                op.Code = OpCode.Ja;
                return op;
            case InstructionKind.MayGoto:
                op.Code = OpCode.MayGoto;
                return op;
            case InstructionKind.Call:
                op.Code = (CallSource)insn.Src switch
                {
                    CallSource.Helper => OpCode.CallHelper,
                    CallSource.Local => OpCode.CallLocal,
                    _ => OpCode.CallUnsupported,
                };
                op.Imm = insn.Immediate;
                return op;
            case InstructionKind.CallX:
                op.Code = OpCode.CallX;
                return op;
            case InstructionKind.Exit:
                op.Code = OpCode.Exit;
                return op;
            case InstructionKind.LoadImm64:
                op.Code = OpCode.LdDw;
                op.Imm = (long)((uint)insn.Immediate | ((ulong)(uint)program[pc + 1].Immediate << 32));
                return op;
            case InstructionKind.LoadAbs:
            case InstructionKind.LoadInd:
            {
                bool abs = OpcodeTable.KindOf(code) == InstructionKind.LoadAbs;
                op.Code = (Opcodes.SizeInBytes(code), abs) switch
                {
                    (1, true) => OpCode.LdAbsB,
                    (2, true) => OpCode.LdAbsH,
                    (_, true) => OpCode.LdAbsW,
                    (1, false) => OpCode.LdIndB,
                    (2, false) => OpCode.LdIndH,
                    _ => OpCode.LdIndW,
                };
                op.Imm = insn.Immediate;
                return op;
            }
            case InstructionKind.Load:
                op.Code = Sized(code, OpCode.LdxB, OpCode.LdxH, OpCode.LdxW, OpCode.LdxDW);
                return op;
            case InstructionKind.LoadSx:
                op.Code = Sized(code, OpCode.LdxsB, OpCode.LdxsH, OpCode.LdxsW, OpCode.LdxsW);
                return op;
            case InstructionKind.StoreImm:
                op.Code = Sized(code, OpCode.StB, OpCode.StH, OpCode.StW, OpCode.StDW);
                op.Imm = insn.Immediate;
                return op;
            case InstructionKind.Store:
                op.Code = Sized(code, OpCode.StxB, OpCode.StxH, OpCode.StxW, OpCode.StxDW);
                return op;
            case InstructionKind.Atomic:
            {
                if (insn.Immediate == Opcodes.AtomicLoadAcquire)
                {
                    op.Code = Sized(code, OpCode.LdAcqB, OpCode.LdAcqH, OpCode.LdAcqW, OpCode.LdAcqDW);
                    return op;
                }
                if (insn.Immediate == Opcodes.AtomicStoreRelease)
                {
                    op.Code = Sized(code, OpCode.StRelB, OpCode.StRelH, OpCode.StRelW, OpCode.StRelDW);
                    return op;
                }
                int a = insn.Immediate switch
                {
                    0x00 => 0, 0x40 => 1, 0x50 => 2, 0xa0 => 3, 0x01 => 4, 0x41 => 5, 0x51 => 6, 0xa1 => 7,
                    Opcodes.AtomicXchg => 8, _ => 9,
                };
                op.Code = (OpCode)((int)((code & 0x18) == Opcodes.SizeDW ? OpCode.AAdd64 : OpCode.AAdd32) + a);
                return op;
            }
            default:
                throw new InvalidOperationException($"validated instruction 0x{code:x2} has no interpreter form");
        }
    }

    private static OpCode Sized(byte code, OpCode b, OpCode h, OpCode w, OpCode dw) => Opcodes.SizeInBytes(code) switch
    {
        1 => b,
        2 => h,
        4 => w,
        _ => dw,
    };
}
