namespace SharpBpf.Core;

/// <summary>
/// The facts about every opcode byte, in one table (the model is iced's defs table): its kind and
/// what the rest of the slot must hold. Built once from the ISA's rules; every other component
/// (validator, formatters, assembler, engines) asks it rather than re-deriving the bit fields.
/// </summary>
public static class OpcodeTable
{
    private static readonly InstructionKind[] Kinds = Build();

    /// <summary>The kind of an opcode byte; <see cref="InstructionKind.Invalid"/> for the undefined ones.</summary>
    public static InstructionKind KindOf(byte opcode) => Kinds[opcode];

    /// <summary>True for ALU64, JMP (64-bit compares) and the 64-bit forms.</summary>
    public static bool Is64(byte opcode) => (opcode & 7) is Opcodes.ClassAlu64 or Opcodes.ClassJmp;

    /// <summary>True when an ALU/JMP opcode takes its operand from the src register.</summary>
    public static bool UsesSrcRegister(byte opcode) => (opcode & Opcodes.SourceX) != 0;

    private static InstructionKind[] Build()
    {
        var k = new InstructionKind[256];
        foreach (var cls in new[] { Opcodes.ClassAlu, Opcodes.ClassAlu64 })
        {
            foreach (var op in new[] { Opcodes.Add, Opcodes.Sub, Opcodes.Mul, Opcodes.Div, Opcodes.Or, Opcodes.And,
                         Opcodes.Lsh, Opcodes.Rsh, Opcodes.Mod, Opcodes.Xor, Opcodes.Arsh })
            {
                k[cls | op | Opcodes.SourceK] = InstructionKind.Alu;
                k[cls | op | Opcodes.SourceX] = InstructionKind.Alu;
            }
            k[cls | Opcodes.Mov | Opcodes.SourceK] = InstructionKind.Mov;
            k[cls | Opcodes.Mov | Opcodes.SourceX] = InstructionKind.Mov;
            // RFC 9669: neg takes no source; BPF_X is reserved.
            k[cls | Opcodes.Neg] = InstructionKind.Neg;
        }
        // le (K) and be (X) in ALU; bswap in ALU64|K; ALU64|X|END is reserved.
        k[Opcodes.ClassAlu | Opcodes.End | Opcodes.SourceK] = InstructionKind.Endian;
        k[Opcodes.ClassAlu | Opcodes.End | Opcodes.SourceX] = InstructionKind.Endian;
        k[Opcodes.ClassAlu64 | Opcodes.End | Opcodes.SourceK] = InstructionKind.Endian;

        foreach (var cls in new[] { Opcodes.ClassJmp, Opcodes.ClassJmp32 })
        {
            foreach (var op in new[] { Opcodes.Jeq, Opcodes.Jgt, Opcodes.Jge, Opcodes.Jset, Opcodes.Jne, Opcodes.Jsgt,
                         Opcodes.Jsge, Opcodes.Jlt, Opcodes.Jle, Opcodes.Jslt, Opcodes.Jsle })
            {
                k[cls | op | Opcodes.SourceK] = InstructionKind.Jump;
                k[cls | op | Opcodes.SourceX] = InstructionKind.Jump;
            }
        }
        k[Opcodes.ClassJmp | Opcodes.Ja] = InstructionKind.Ja;
        k[Opcodes.ClassJmp32 | Opcodes.Ja] = InstructionKind.Gotol;
        k[Opcodes.ClassJmp | Opcodes.Jcond] = InstructionKind.MayGoto;
        k[Opcodes.CallOpcode] = InstructionKind.Call;
        k[Opcodes.CallXOpcode] = InstructionKind.CallX;
        k[Opcodes.ExitOpcode] = InstructionKind.Exit;

        k[Opcodes.LoadImm64] = InstructionKind.LoadImm64;
        foreach (var size in new[] { Opcodes.SizeW, Opcodes.SizeH, Opcodes.SizeB })
        {
            // LD_ABS/LD_IND have no DW form (kernel: check_ld_abs).
            k[Opcodes.ClassLd | Opcodes.ModeAbs | size] = InstructionKind.LoadAbs;
            k[Opcodes.ClassLd | Opcodes.ModeInd | size] = InstructionKind.LoadInd;
            // MEMSX has no DW form (RFC 9669, 5.2).
            k[Opcodes.ClassLdx | Opcodes.ModeMemSx | size] = InstructionKind.LoadSx;
        }
        foreach (var size in new[] { Opcodes.SizeW, Opcodes.SizeH, Opcodes.SizeB, Opcodes.SizeDW })
        {
            k[Opcodes.ClassLdx | Opcodes.ModeMem | size] = InstructionKind.Load;
            k[Opcodes.ClassSt | Opcodes.ModeMem | size] = InstructionKind.StoreImm;
            k[Opcodes.ClassStx | Opcodes.ModeMem | size] = InstructionKind.Store;
            // Every size has an atomic opcode; which operations each allows is checked on imm.
            k[Opcodes.ClassStx | Opcodes.ModeAtomic | size] = InstructionKind.Atomic;
        }
        return k;
    }
}
