using System.Numerics;

namespace SharpBpf.Verifier.Domains;

/// <summary>
/// A tracked number (the kernel's <c>struct tnum</c>, kernel/bpf/tnum.c): what is known about each
/// of the 64 bits of a value. A bit whose <see cref="Mask"/> bit is set is unknown; otherwise it
/// equals the bit of <see cref="Value"/>. Invariant: <c>Value &amp; Mask == 0</c>.
/// As a lattice, more unknown bits is higher; its height is 64, so widening is the join.
/// </summary>
public readonly record struct Tnum(ulong Value, ulong Mask)
{
    /// <summary>Nothing is known about any bit.</summary>
    public static Tnum Unknown => new(0, ulong.MaxValue);

    /// <summary>A known constant.</summary>
    public static Tnum Const(ulong value) => new(value, 0);

    /// <summary>The smallest tnum holding every value of [<paramref name="min"/>, <paramref name="max"/>] (tnum_range).</summary>
    public static Tnum Range(ulong min, ulong max)
    {
        ulong chi = min ^ max;
        int bits = 64 - BitOperations.LeadingZeroCount(chi);
        if (bits > 63)
            return Unknown;
        ulong delta = (1UL << bits) - 1;
        return new Tnum(min & ~delta, delta);
    }

    /// <summary>All bits known.</summary>
    public bool IsConst => Mask == 0;

    /// <summary>No bit known.</summary>
    public bool IsUnknown => Mask == ulong.MaxValue;

    /// <summary>The smallest value the tnum allows (unsigned).</summary>
    public ulong UMin => Value;

    /// <summary>The largest value the tnum allows (unsigned).</summary>
    public ulong UMax => Value | Mask;

    /// <summary>Whether <paramref name="x"/> is one of the values.</summary>
    public bool Contains(ulong x) => (x & ~Mask) == Value;

    /// <summary>The smallest value of the tnum that is at least <paramref name="x"/>, or null when none is.</summary>
    public ulong? NextAtLeast(ulong x)
    {
        if (x <= Value)
            return Value;
        if (x > (Value | Mask))
            return null;
        if ((x & ~Mask) == Value)
            return x; // x is a member (the common case: bounds synced with their own tnum)
        // Values of a tnum, Value | m for m within Mask, are ordered as m is: choose m bit by bit, from
        // the top, leaving a bit clear whenever the bits below can still make up the difference.
        // Only the unknown bits matter: visit them alone (this runs in every bounds sync).
        ulong m = 0;
        for (ulong rest = Mask; rest != 0;)
        {
            ulong b = 1UL << (63 - System.Numerics.BitOperations.LeadingZeroCount(rest));
            rest &= ~b;
            if ((Value | m | rest) < x)
                m |= b;
        }
        return Value | m;
    }

    /// <summary>The largest value of the tnum that is at most <paramref name="x"/>, or null when none is.</summary>
    public ulong? PreviousAtMost(ulong x)
    {
        if (x >= (Value | Mask))
            return Value | Mask;
        if (x < Value)
            return null;
        if ((x & ~Mask) == Value)
            return x;
        ulong m = 0;
        for (ulong rest = Mask; rest != 0;)
        {
            ulong b = 1UL << (63 - System.Numerics.BitOperations.LeadingZeroCount(rest));
            rest &= ~b;
            if ((Value | m | b) <= x)
                m |= b;
        }
        return Value | m;
    }

    /// <summary>Shift left by a constant.</summary>
    public Tnum Lsh(int shift) => new(Value << shift, Mask << shift);

    /// <summary>Logical shift right by a constant.</summary>
    public Tnum Rsh(int shift) => new(Value >> shift, Mask >> shift);

    /// <summary>Arithmetic shift right of the 64-bit value by a constant.</summary>
    public Tnum Arsh(int shift) => new((ulong)((long)Value >> shift), (ulong)((long)Mask >> shift));

    /// <summary>Arithmetic shift right of the low 32 bits (the result is the 32-bit sub-register).</summary>
    public Tnum Arsh32(int shift) =>
        new((uint)((int)(uint)Value >> shift), (uint)((int)(uint)Mask >> shift));

    /// <summary>Addition (tnum_add).</summary>
    public static Tnum operator +(Tnum a, Tnum b)
    {
        ulong sm = a.Mask + b.Mask;
        ulong sv = a.Value + b.Value;
        ulong sigma = sm + sv;
        ulong chi = sigma ^ sv;
        ulong mu = chi | a.Mask | b.Mask;
        return new Tnum(sv & ~mu, mu);
    }

    /// <summary>Subtraction (tnum_sub).</summary>
    public static Tnum operator -(Tnum a, Tnum b)
    {
        ulong dv = a.Value - b.Value;
        ulong alpha = dv + a.Mask;
        ulong beta = dv - b.Mask;
        ulong chi = alpha ^ beta;
        ulong mu = chi | a.Mask | b.Mask;
        return new Tnum(dv & ~mu, mu);
    }

    /// <summary>Bitwise and.</summary>
    public static Tnum operator &(Tnum a, Tnum b)
    {
        ulong alpha = a.Value | a.Mask;
        ulong beta = b.Value | b.Mask;
        ulong v = a.Value & b.Value;
        return new Tnum(v, alpha & beta & ~v);
    }

    /// <summary>Bitwise or.</summary>
    public static Tnum operator |(Tnum a, Tnum b)
    {
        ulong v = a.Value | b.Value;
        ulong mu = a.Mask | b.Mask;
        return new Tnum(v, mu & ~v);
    }

    /// <summary>Bitwise exclusive or.</summary>
    public static Tnum operator ^(Tnum a, Tnum b)
    {
        ulong v = a.Value ^ b.Value;
        ulong mu = a.Mask | b.Mask;
        return new Tnum(v & ~mu, mu);
    }

    /// <summary>Multiplication (tnum_mul: a shift-and-add over the unknown bits).</summary>
    public static Tnum operator *(Tnum a, Tnum b)
    {
        Tnum acc = Const(a.Value * b.Value);
        acc = HalfMultiplyAdd(acc, a.Mask, b.Mask | b.Value);
        return HalfMultiplyAdd(acc, b.Mask, a.Value);
    }

    private static Tnum HalfMultiplyAdd(Tnum acc, ulong value, ulong mask)
    {
        while (mask != 0)
        {
            if ((mask & 1) != 0)
                acc += new Tnum(0, value);
            mask >>= 1;
            value <<= 1;
        }
        return acc;
    }

    /// <summary>Negation (0 - a).</summary>
    public Tnum Neg() => Const(0) - this;

    /// <summary>The low <paramref name="bytes"/> bytes; the rest known zero (tnum_cast).</summary>
    public Tnum Cast(int bytes)
    {
        if (bytes >= 8)
            return this;
        ulong m = (1UL << (bytes * 8)) - 1;
        return new Tnum(Value & m, Mask & m);
    }

    /// <summary>The low 32 bits, upper bits known zero (tnum_subreg).</summary>
    public Tnum Subreg => Cast(4);

    /// <summary>The upper 32 bits with the low 32 known zero (tnum_clear_subreg).</summary>
    public Tnum ClearSubreg => Rsh(32).Lsh(32);

    /// <summary>The upper 32 bits of this with the low 32 bits of <paramref name="sub"/> (tnum_with_subreg).</summary>
    public Tnum WithSubreg(Tnum sub) => ClearSubreg | sub.Subreg;

    /// <summary>Whether the values are multiples of <paramref name="size"/> (a power of two).</summary>
    public bool IsAligned(ulong size) => size == 0 || ((Value | Mask) & (size - 1)) == 0;

    /// <summary>Sign-extends from the low <paramref name="bits"/> bits (8, 16 or 32) to 64.</summary>
    public Tnum SignExtend(int bits)
    {
        int shift = 64 - bits;
        return new Tnum((ulong)((long)(Value << shift) >> shift), (ulong)((long)(Mask << shift) >> shift));
    }

    /// <summary>Byte-swaps the low <paramref name="bits"/> bits (16, 32 or 64); the rest becomes known zero.</summary>
    public Tnum ByteSwap(int bits) => bits switch
    {
        16 => new Tnum(BinarySwap16(Value), BinarySwap16(Mask)),
        32 => new Tnum(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)Value), System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)Mask)),
        _ => new Tnum(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(Value), System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(Mask)),
    };

    private static ulong BinarySwap16(ulong x) => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)x);

    // ---- lattice ----

    /// <summary>Least upper bound: bits known in both and equal stay known (tnum_union).</summary>
    public Tnum Join(Tnum other)
    {
        ulong v = Value & other.Value;
        ulong mu = (Value ^ other.Value) | Mask | other.Mask;
        return new Tnum(v & ~mu, mu);
    }

    /// <summary>
    /// Widening: the join, except that when bits became unknown, every bit from the lowest of them
    /// up becomes unknown at once. A growing counter loses one bit per round otherwise (64 rounds);
    /// bits below stay known (the alignment of a pointer stepping by 8 survives).
    /// </summary>
    public Tnum Widen(Tnum next)
    {
        var j = Join(next);
        ulong grown = j.Mask & ~Mask;
        if (grown == 0)
            return j;
        ulong low = grown & (~grown + 1);
        ulong above = ~(low - 1);
        return new Tnum(j.Value & ~above, j.Mask | above);
    }

    /// <summary>Greatest lower bound (tnum_intersect), or null when the two share no value.</summary>
    public Tnum? Meet(Tnum other)
    {
        ulong knownBoth = ~Mask & ~other.Mask;
        if (((Value ^ other.Value) & knownBoth) != 0)
            return null;
        ulong v = Value | other.Value;
        ulong mu = Mask & other.Mask;
        return new Tnum(v & ~mu, mu);
    }

    /// <summary>Every value of this is a value of <paramref name="other"/> (tnum_in(other, this)).</summary>
    public bool Leq(Tnum other)
    {
        if ((Mask & ~other.Mask) != 0)
            return false;
        return (Value & ~other.Mask) == other.Value;
    }

    /// <summary>The kernel's rendering: <c>(0x..; 0x..)</c>.</summary>
    public override string ToString() => $"(0x{Value:x}; 0x{Mask:x})";
}
