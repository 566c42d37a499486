using SharpBpf.Core;
using SharpBpf.Verifier.Domains;

namespace SharpBpf.Verifier.Tests;

/// <summary>What the instructions do to actual numbers (RFC 9669), written apart from the verifier, to check it against.</summary>
internal static class ConcreteSemantics
{
    public static ulong Alu(byte op, ulong a, ulong b, bool alu32, bool signed)
    {
        if (alu32)
        {
            uint x = (uint)a, y = (uint)b;
            return op switch
            {
                Opcodes.Add => x + y,
                Opcodes.Sub => x - y,
                Opcodes.Mul => x * y,
                Opcodes.Div => y == 0 ? 0 : signed ? (int)y == -1 ? (uint)(-(int)x) : (uint)((int)x / (int)y) : x / y,
                Opcodes.Mod => y == 0 ? x : signed ? (int)y == -1 ? 0 : (uint)((int)x % (int)y) : x % y,
                Opcodes.Or => x | y,
                Opcodes.And => x & y,
                Opcodes.Xor => x ^ y,
                Opcodes.Lsh => x << (int)(y & 31),
                Opcodes.Rsh => x >> (int)(y & 31),
                _ => (uint)((int)x >> (int)(y & 31)),
            };
        }
        return op switch
        {
            Opcodes.Add => a + b,
            Opcodes.Sub => a - b,
            Opcodes.Mul => a * b,
            Opcodes.Div => b == 0 ? 0 : signed ? (long)b == -1 ? (ulong)(-(long)a) : (ulong)((long)a / (long)b) : a / b,
            Opcodes.Mod => b == 0 ? a : signed ? (long)b == -1 ? 0 : (ulong)((long)a % (long)b) : a % b,
            Opcodes.Or => a | b,
            Opcodes.And => a & b,
            Opcodes.Xor => a ^ b,
            Opcodes.Lsh => a << (int)(b & 63),
            Opcodes.Rsh => a >> (int)(b & 63),
            _ => (ulong)((long)a >> (int)(b & 63)),
        };
    }

    public static bool Holds(Comparison c, ulong a, ulong b, bool is32)
    {
        if (is32)
        {
            a = (uint)a;
            b = (uint)b;
        }
        long sa = is32 ? (int)(uint)a : (long)a, sb = is32 ? (int)(uint)b : (long)b;
        return c switch
        {
            Comparison.Eq => a == b,
            Comparison.Ne => a != b,
            Comparison.Gt => a > b,
            Comparison.Ge => a >= b,
            Comparison.Lt => a < b,
            Comparison.Le => a <= b,
            Comparison.Sgt => sa > sb,
            Comparison.Sge => sa >= sb,
            Comparison.Slt => sa < sb,
            Comparison.Sle => sa <= sb,
            Comparison.Set => (a & b) != 0,
            _ => (a & b) == 0,
        };
    }

    /// <summary>The most precise abstraction of a finite set: the join of its constants.</summary>
    public static Scalar Abstract(IEnumerable<ulong> values)
    {
        Scalar? s = null;
        foreach (var v in values)
            s = s is { } x ? x.Join(Scalar.Const(v)) : Scalar.Const(v);
        return s ?? throw new ArgumentException("empty set");
    }
}
