using CsCheck;
using SharpBpf.Core;

namespace SharpBpf.TestKit;

/// <summary>CsCheck generators of valid instructions of every kind, and of programs made of them.</summary>
public static class InstructionGen
{
    private static readonly Gen<int> Reg = Gen.Int[0, 10];
    private static readonly Gen<short> Off = Gen.Short;
    private static readonly Gen<int> Imm = Gen.OneOf<int>(Gen.Int, Gen.Int[-16, 16], Gen.OneOf<int>(int.MinValue, int.MaxValue, 0, -1));

    private static readonly byte[] AluOps =
        [Opcodes.Add, Opcodes.Sub, Opcodes.Mul, Opcodes.Div, Opcodes.Or, Opcodes.And, Opcodes.Lsh, Opcodes.Rsh, Opcodes.Mod, Opcodes.Xor, Opcodes.Arsh];

    private static readonly byte[] JumpOps =
        [Opcodes.Jeq, Opcodes.Jgt, Opcodes.Jge, Opcodes.Jset, Opcodes.Jne, Opcodes.Jsgt, Opcodes.Jsge, Opcodes.Jlt, Opcodes.Jle, Opcodes.Jslt, Opcodes.Jsle];

    private static readonly byte[] Sizes = [Opcodes.SizeW, Opcodes.SizeH, Opcodes.SizeB, Opcodes.SizeDW];

    private static readonly Gen<byte> AluClass = Gen.OneOf<byte>(Opcodes.ClassAlu, Opcodes.ClassAlu64);

    private static readonly Gen<Instruction> Alu =
        Gen.Select(AluClass, Gen.OneOf<byte>(AluOps), Gen.Bool, Reg, Reg, Imm, Gen.Bool, (cls, op, x, d, s, imm, signed) =>
        {
            short off = (short)(signed && op is Opcodes.Div or Opcodes.Mod ? 1 : 0);
            return x ? new Instruction((byte)(cls | op | Opcodes.SourceX), d, s, off, 0)
                     : new Instruction((byte)(cls | op), d, 0, off, imm);
        });

    private static readonly Gen<Instruction> Neg = Gen.Select(AluClass, Reg, (cls, d) => new Instruction((byte)(cls | Opcodes.Neg), d, 0, 0, 0));

    private static readonly Gen<Instruction> Mov =
        Gen.Select(AluClass, Gen.Int[0, 5], Reg, Reg, Imm, (cls, kind, d, s, imm) => kind switch
        {
            0 => new Instruction((byte)(cls | Opcodes.Mov), d, 0, 0, imm),
            1 => new Instruction((byte)(cls | Opcodes.Mov | Opcodes.SourceX), d, s, 0, 0),
            2 => new Instruction((byte)(cls | Opcodes.Mov | Opcodes.SourceX), d, s, 8, 0),
            3 => new Instruction((byte)(cls | Opcodes.Mov | Opcodes.SourceX), d, s, 16, 0),
            4 => new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, d, s, 32, 0),
            _ => new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, d, s, 1, imm % 2 == 0 ? 1 : 0x10000),
        });

    private static readonly Gen<Instruction> Endian =
        Gen.Select(Gen.OneOf<byte>(0xd4, 0xdc, 0xd7), Reg, Gen.OneOf<int>(16, 32, 64),
            (op, d, w) => new Instruction(op, d, 0, 0, w));

    private static readonly Gen<Instruction> Jump =
        Gen.Select(Gen.OneOf<byte>(Opcodes.ClassJmp, Opcodes.ClassJmp32), Gen.OneOf<byte>(JumpOps), Gen.Bool, Reg, Reg, Off, Imm,
            (cls, op, x, d, s, off, imm) => x ? new Instruction((byte)(cls | op | Opcodes.SourceX), d, s, off, 0)
                                              : new Instruction((byte)(cls | op), d, 0, off, imm));

    private static readonly Gen<Instruction> Control = Gen.OneOf(
        Off.Select(o => new Instruction(Opcodes.ClassJmp | Opcodes.Ja, 0, 0, o, 0)),
        Imm.Select(i => new Instruction(Opcodes.ClassJmp32 | Opcodes.Ja, 0, 0, 0, i)),
        Off.Select(o => new Instruction(Opcodes.ClassJmp | Opcodes.Jcond, 0, 0, o, 0)),
        Gen.Select(Gen.Int[0, 2], Imm, Off, (src, i, o) => new Instruction(Opcodes.CallOpcode, 0, src, src == 2 ? o : (short)0, i)),
        Reg.Select(d => new Instruction(Opcodes.CallXOpcode, d, 0, 0, 0)),
        Gen.Const(new Instruction(Opcodes.ExitOpcode, 0, 0, 0, 0)));

    private static readonly Gen<Instruction> Memory =
        Gen.Select(Gen.Int[0, 5], Gen.OneOf<byte>(Sizes), Reg, Reg, Off, Imm, (kind, size, d, s, off, imm) =>
        {
            byte small = size == Opcodes.SizeDW ? Opcodes.SizeW : size;
            return kind switch
            {
                0 => new Instruction((byte)(Opcodes.ClassLdx | Opcodes.ModeMem | size), d, s, off, 0),
                1 => new Instruction((byte)(Opcodes.ClassLdx | Opcodes.ModeMemSx | small), d, s, off, 0),
                2 => new Instruction((byte)(Opcodes.ClassSt | Opcodes.ModeMem | size), d, 0, off, imm),
                3 => new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeMem | size), d, s, off, 0),
                4 => new Instruction((byte)(Opcodes.ClassLd | Opcodes.ModeAbs | small), 0, 0, 0, imm),
                _ => new Instruction((byte)(Opcodes.ClassLd | Opcodes.ModeInd | small), 0, s, 0, imm),
            };
        });

    private static readonly int[] RmwOps = [0x00, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, Opcodes.AtomicXchg, Opcodes.AtomicCmpXchg];

    private static readonly Gen<Instruction> Atomic =
        Gen.Select(Gen.Bool, Gen.OneOf<byte>(Sizes), Gen.OneOf<int>(RmwOps), Gen.Bool, Reg, Reg, Off, (rmw, size, op, acquire, d, s, off) =>
        {
            if (rmw)
            {
                byte sz = size is Opcodes.SizeW or Opcodes.SizeDW ? size : Opcodes.SizeDW;
                return new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | sz), d, s, off, op);
            }
            return new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | size), d, s, off,
                acquire ? Opcodes.AtomicLoadAcquire : Opcodes.AtomicStoreRelease);
        });

    /// <summary>Any valid one-slot instruction.</summary>
    public static readonly Gen<Instruction> Single = Gen.OneOf<Instruction>(Alu, Neg, Mov, Endian, Jump, Control, Memory, Atomic);

    /// <summary>An lddw pair (any pseudo source).</summary>
    public static readonly Gen<Instruction[]> Wide =
        Gen.Select(Reg, Gen.Int[0, 6], Imm, Imm, (d, src, lo, hi) => new[]
        {
            new Instruction(Opcodes.LoadImm64, d, src, 0, lo),
            new Instruction(0, 0, 0, 0, hi),
        });

    /// <summary>A program: a sequence of one- and two-slot instructions.</summary>
    public static readonly Gen<Instruction[]> Program =
        Gen.Frequency<Instruction[]>((6, Single.Select(i => new[] { i })), (1, Wide)).Array[1, 40]
            .Select(units => units.SelectMany(u => u).ToArray());
}
