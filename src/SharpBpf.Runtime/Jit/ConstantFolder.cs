using System.Buffers.Binary;
using SharpBpf.Core;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// The interpreter's ALU semantics on known values (RFC 9669 with its division and shift rules),
/// for instructions whose operands the JIT knows at compile time.
/// </summary>
internal static class ConstantFolder
{
    /// <summary>
    /// Whether the instruction is a register computation the folder can evaluate (ALU, neg, mov,
    /// byte swaps, plain lddw); it then needs dst's value unless <paramref name="needsDst"/> is
    /// false, and src's when <paramref name="needsSrc"/>.
    /// </summary>
    public static bool IsFoldable(Instruction insn, out bool needsDst, out bool needsSrc)
    {
        needsDst = false;
        needsSrc = false;
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Alu:
                needsDst = true;
                needsSrc = OpcodeTable.UsesSrcRegister(insn.Opcode);
                return true;
            case InstructionKind.Neg:
            case InstructionKind.Endian:
                needsDst = true;
                return true;
            case InstructionKind.Mov:
                needsSrc = OpcodeTable.UsesSrcRegister(insn.Opcode);
                return true;
            case InstructionKind.LoadImm64:
                return insn.Src == 0;
            default:
                return false;
        }
    }

    /// <summary>The value dst gets; <paramref name="next"/> is lddw's second slot.</summary>
    public static ulong Evaluate(Instruction insn, ulong dst, ulong src, Instruction next = default)
    {
        bool is64 = insn.Class == Opcodes.ClassAlu64;
        bool x = OpcodeTable.UsesSrcRegister(insn.Opcode);
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.LoadImm64:
                return (uint)insn.Immediate | ((ulong)(uint)next.Immediate << 32);
            case InstructionKind.Neg:
                return is64 ? (ulong)-(long)dst : (uint)-(int)(uint)dst;
            case InstructionKind.Endian:
            {
                bool toLe = insn.Opcode == (Opcodes.ClassAlu | Opcodes.End | Opcodes.SourceK);
                return (toLe, insn.Immediate) switch
                {
                    (true, 16) => (ushort)dst,
                    (true, 32) => (uint)dst,
                    (true, _) => dst,
                    (false, 16) => BinaryPrimitives.ReverseEndianness((ushort)dst),
                    (false, 32) => BinaryPrimitives.ReverseEndianness((uint)dst),
                    _ => BinaryPrimitives.ReverseEndianness(dst),
                };
            }
            case InstructionKind.Mov:
            {
                if (!x)
                    return is64 ? (ulong)(long)insn.Immediate : (uint)insn.Immediate;
                short off = insn.Offset;
                if (off == 0 || (is64 && off == Opcodes.AddrSpaceCastOffset))
                    return is64 ? src : (uint)src;
                return (is64, off) switch
                {
                    (true, 8) => (ulong)(long)(sbyte)src,
                    (true, 16) => (ulong)(long)(short)src,
                    (true, _) => (ulong)(long)(int)src,
                    (false, 8) => (uint)(int)(sbyte)src,
                    _ => (uint)(int)(short)src,
                };
            }
        }
        int op = insn.Opcode & 0xf0;
        bool signed = insn.Offset == 1;
        ulong operand = x ? src : is64 ? (ulong)(long)insn.Immediate : (uint)insn.Immediate;
        if (!AluSemantics.TryEvaluate((byte)op, is64, dst, operand, signed, out ulong result))
            throw new InvalidOperationException($"ALU op 0x{op:x2} cannot be folded");
        return result;
    }
}
