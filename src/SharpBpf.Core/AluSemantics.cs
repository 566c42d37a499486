namespace SharpBpf.Core;

/// <summary>
/// The concrete result of a binary ALU operation (RFC 9669, section 4.1), for code that computes with known
/// values: the JIT's constant folding and the verifier's constant operands. One statement of the rules, so
/// the places that fold cannot drift apart.
/// </summary>
public static class AluSemantics
{
    /// <summary>
    /// <paramref name="a"/> OP <paramref name="b"/> for the binary operations (add to arsh, div and mod;
    /// <paramref name="signed"/> for sdiv/smod, offset 1), in 64 bits or in 32 (zero-extended). Shifts take
    /// the count modulo the width; x / 0 = 0, x % 0 = x; MIN / -1 = MIN, MIN % -1 = 0. False for any other
    /// operation (mov, neg, end).
    /// </summary>
    public static bool TryEvaluate(byte op, bool is64, ulong a, ulong b, bool signed, out ulong result)
    {
        ulong? r = is64 ? Evaluate64(op, a, b, signed) : Evaluate32(op, (uint)a, (uint)b, signed);
        result = r ?? 0;
        return r is not null;
    }

    private static ulong? Evaluate64(byte op, ulong a, ulong b, bool signed) => op switch
    {
        Opcodes.Add => a + b,
        Opcodes.Sub => a - b,
        Opcodes.Mul => a * b,
        Opcodes.Or => a | b,
        Opcodes.And => a & b,
        Opcodes.Xor => a ^ b,
        Opcodes.Lsh => a << (int)(b & 63),
        Opcodes.Rsh => a >> (int)(b & 63),
        Opcodes.Arsh => (ulong)((long)a >> (int)(b & 63)),
        Opcodes.Div when b == 0 => 0,
        Opcodes.Mod when b == 0 => a,
        Opcodes.Div when signed => (long)b == -1 ? (ulong)-(long)a : (ulong)((long)a / (long)b),
        Opcodes.Mod when signed => (long)b == -1 ? 0 : (ulong)((long)a % (long)b),
        Opcodes.Div => a / b,
        Opcodes.Mod => a % b,
        _ => null,
    };

    private static ulong? Evaluate32(byte op, uint a, uint b, bool signed) => op switch
    {
        Opcodes.Add => a + b,
        Opcodes.Sub => a - b,
        Opcodes.Mul => a * b,
        Opcodes.Or => a | b,
        Opcodes.And => a & b,
        Opcodes.Xor => a ^ b,
        Opcodes.Lsh => a << (int)(b & 31),
        Opcodes.Rsh => a >> (int)(b & 31),
        Opcodes.Arsh => (uint)((int)a >> (int)(b & 31)),
        Opcodes.Div when b == 0 => 0u,
        Opcodes.Mod when b == 0 => a,
        Opcodes.Div when signed => (int)b == -1 ? (uint)-(int)a : (uint)((int)a / (int)b),
        Opcodes.Mod when signed => (int)b == -1 ? 0u : (uint)((int)a % (int)b),
        Opcodes.Div => a / b,
        Opcodes.Mod => a % b,
        _ => null,
    };
}
