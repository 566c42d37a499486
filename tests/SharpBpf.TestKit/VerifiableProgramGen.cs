using CsCheck;
using SharpBpf.Core;

namespace SharpBpf.TestKit;

/// <summary>
/// Random programs of the memory convention that a verifier (ours or the kernel's) accepts: every
/// register set before use, ALU only on scalars (r0, r2-r9; r1 stays the buffer pointer), shifts
/// and divisions by immediates in range, loads and stores at constant in-bounds offsets of the
/// buffer (<see cref="BufferSize"/> bytes through r1) and of initialised stack, forward branches
/// only (so every program ends). For engine agreement: interpreter, JIT and kernel.
/// </summary>
public static class VerifiableProgramGen
{
    /// <summary>The buffer the programs read and write.</summary>
    public const int BufferSize = 64;

    private static readonly byte[] AluOps =
        [Opcodes.Add, Opcodes.Sub, Opcodes.Mul, Opcodes.Div, Opcodes.Or, Opcodes.And, Opcodes.Lsh, Opcodes.Rsh, Opcodes.Mod, Opcodes.Xor, Opcodes.Arsh, Opcodes.Mov, Opcodes.Neg];

    private static readonly byte[] JumpOps =
        [Opcodes.Jeq, Opcodes.Jgt, Opcodes.Jge, Opcodes.Jset, Opcodes.Jne, Opcodes.Jsgt, Opcodes.Jsge, Opcodes.Jlt, Opcodes.Jle, Opcodes.Jslt, Opcodes.Jsle];

    private static readonly byte[] Sizes = [Opcodes.SizeW, Opcodes.SizeH, Opcodes.SizeB, Opcodes.SizeDW];

    private static readonly Gen<int> Scalar = Gen.OneOf<int>(Gen.Const(0), Gen.Int[2, 9]);

    private static readonly Gen<int> Imm = Gen.OneOf<int>(Gen.Int, Gen.Int[-16, 16], Gen.OneOf<int>(int.MinValue, int.MaxValue, -1, 1));

    private static readonly Gen<Instruction> Alu =
        Gen.Select(Gen.OneOf<byte>(Opcodes.ClassAlu, Opcodes.ClassAlu64), Gen.OneOf<byte>(AluOps), Gen.Bool, Scalar, Scalar, Imm, Gen.Bool, Gen.Int[0, 2],
            (cls, op, x, d, s, imm, signed, endian) =>
            {
                bool is64 = cls == Opcodes.ClassAlu64;
                if (op == Opcodes.Neg)
                    return endian == 0 ? new Instruction((byte)(cls | Opcodes.Neg), d, 0, 0, 0)
                        : new Instruction((byte)(Opcodes.ClassAlu | Opcodes.End | (endian == 1 ? Opcodes.SourceX : Opcodes.SourceK)), d, 0, 0, 16 << (imm & 1) << ((imm >> 1) & 1));
                short off = (short)(signed && op is Opcodes.Div or Opcodes.Mod ? 1 : 0);
                if (x)
                    return new Instruction((byte)(cls | op | Opcodes.SourceX), d, s, off, 0);
                if (op is Opcodes.Lsh or Opcodes.Rsh or Opcodes.Arsh)
                    imm &= is64 ? 63 : 31;
                if (op is Opcodes.Div or Opcodes.Mod && imm == 0)
                    imm = 7;
                return new Instruction((byte)(cls | op), d, 0, off, imm);
            });

    /// <summary>Loads and stores in the buffer through r1.</summary>
    private static readonly Gen<Instruction> Memory =
        Gen.Select(Gen.Int[0, 2], Gen.OneOf<byte>(Sizes), Gen.Int[0, BufferSize - 1], Scalar, Imm, (kind, size, off, r, imm) =>
        {
            int bytes = Opcodes.SizeInBytes((byte)(Opcodes.ClassLdx | size));
            short o = (short)Math.Min(off, BufferSize - bytes);
            return kind switch
            {
                0 => new Instruction((byte)(Opcodes.ClassLdx | Opcodes.ModeMem | size), r, 1, o, 0),
                1 => new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeMem | size), 1, r, o, 0),
                _ => new Instruction((byte)(Opcodes.ClassSt | Opcodes.ModeMem | size), 1, 0, o, imm),
            };
        });

    /// <summary>Loads and stores of the 64 initialised stack bytes below r10.</summary>
    private static readonly Gen<Instruction> Stack =
        Gen.Select(Gen.Bool, Gen.OneOf<byte>(Sizes), Gen.Int[1, 64], Scalar, (load, size, at, r) =>
        {
            int bytes = Opcodes.SizeInBytes((byte)(Opcodes.ClassLdx | size));
            short o = (short)-Math.Max(at - at % bytes, bytes);
            return load
                ? new Instruction((byte)(Opcodes.ClassLdx | Opcodes.ModeMem | size), r, 10, o, 0)
                : new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeMem | size), 10, r, o, 0);
        });

    private static readonly Gen<Instruction> Branch =
        Gen.Select(Gen.OneOf<byte>(Opcodes.ClassJmp, Opcodes.ClassJmp32), Gen.OneOf<byte>(JumpOps), Gen.Bool, Scalar, Scalar, Imm, Gen.Int[0, 63],
            (cls, op, x, d, s, imm, skip) => x
                ? new Instruction((byte)(cls | op | Opcodes.SourceX), d, s, (short)skip, 0)
                : new Instruction((byte)(cls | op), d, 0, (short)skip, imm));

    /// <summary>One body instruction (a branch's offset is fixed up by <see cref="Program"/>).</summary>
    private static readonly Gen<Instruction> Body = Gen.Int[0, 9].SelectMany(kind => kind switch
    {
        <= 4 => Alu,
        5 or 6 => Memory,
        7 => Stack,
        _ => Branch,
    });

    /// <summary>A program: registers and stack initialised, 1-40 body instructions, exit.</summary>
    public static readonly Gen<Instruction[]> Program =
        Gen.Select(Gen.Int[0, 3].Array[10], Body.Array[1, 40], (inits, body) =>
        {
            var code = new List<Instruction>();
            foreach (int r in (ReadOnlySpan<int>)[0, 3, 4, 5, 6, 7, 8, 9])
                code.Add(new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov, r, 0, 0, inits[r] * 0x1234567 - 3));
            for (int s = 8; s <= 64; s += 8)
                code.Add(new Instruction(Opcodes.ClassSt | Opcodes.ModeMem | Opcodes.SizeDW, 10, 0, (short)-s, s * 0x01010101));
            for (int k = 0; k < body.Length; k++)
            {
                var insn = body[k];
                // Forward only, to the exit at the latest.
                if (OpcodeTable.KindOf(insn.Opcode) == InstructionKind.Jump)
                    insn = new Instruction(insn.Opcode, insn.Dst, insn.Src, (short)(insn.Offset % (body.Length - k)), insn.Immediate);
                code.Add(insn);
            }
            code.Add(new Instruction(Opcodes.ClassJmp | Opcodes.Exit, 0, 0, 0, 0));
            return code.ToArray();
        });

    /// <summary>A buffer of <see cref="BufferSize"/> random bytes.</summary>
    public static readonly Gen<byte[]> Buffer = Gen.Byte.Array[BufferSize];
}
