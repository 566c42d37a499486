using SharpBpf.Core;

namespace SharpBpf.Verifier.Domains;

/// <summary>Arithmetic on scalars (the kernel's adjust_scalar_min_max_vals and its scalar*_min_max_* helpers).</summary>
public readonly partial struct Scalar
{
    /// <summary>
    /// The result of the ALU operation <paramref name="op"/> (BPF_ADD ... BPF_ARSH, the high nibble of
    /// the opcode) on this and <paramref name="src"/>, 64-bit or on the low 32 bits with the result
    /// zero-extended (<paramref name="alu32"/>). <paramref name="signed"/> selects sdiv/smod.
    /// Shift counts must be constants below the width; otherwise the result is unknown.
    /// </summary>
    public Scalar Alu(byte op, Scalar src, bool alu32, bool signed = false)
    {
        if (alu32 ? IsConst32 && src.IsConst32 : IsConst && src.IsConst)
        {
            ulong a = ConstValue, b = src.ConstValue;
            AluSemantics.TryEvaluate(op, !alu32, a, b, signed, out ulong r);
            return Const(r);
        }
        var d = ToBounds();
        var s = src.ToBounds();
        switch (op)
        {
            case Opcodes.Add:
                Add32(ref d, s);
                Add64(ref d, s);
                d.VarOff += s.VarOff;
                break;
            case Opcodes.Sub:
                Sub32(ref d, s);
                Sub64(ref d, s);
                d.VarOff -= s.VarOff;
                break;
            case Opcodes.Mul:
                d.VarOff *= s.VarOff;
                Mul32(ref d, s);
                Mul64(ref d, s);
                break;
            case Opcodes.And:
                d.VarOff &= s.VarOff;
                And32(ref d, s);
                And64(ref d, s);
                break;
            case Opcodes.Or:
                d.VarOff |= s.VarOff;
                Or32(ref d, s);
                Or64(ref d, s);
                break;
            case Opcodes.Xor:
                d.VarOff ^= s.VarOff;
                Xor32(ref d, s);
                Xor64(ref d, s);
                break;
            case Opcodes.Lsh:
            case Opcodes.Rsh:
            case Opcodes.Arsh:
            {
                int width = alu32 ? 32 : 64;
                if (!(alu32 ? src.IsConst32 : src.IsConst) || (alu32 ? (uint)src.ConstValue : src.ConstValue) >= (ulong)width)
                    return alu32 ? OfSize(4) : Unknown;
                int n = (int)(alu32 ? (uint)src.ConstValue : src.ConstValue);
                if (alu32)
                    Shift32(ref d, op, n);
                else
                    Shift64(ref d, op, n);
                break;
            }
            case Opcodes.Div:
            case Opcodes.Mod:
                return DivMod(op, src, alu32, signed);
            default:
                return alu32 ? OfSize(4) : Unknown;
        }
        if (alu32)
        {
            d.AssignSubregTo64();
        }
        return d.SyncToScalar() ?? (alu32 ? OfSize(4) : Unknown);
    }

    /// <summary>Negation (0 - x), 64-bit or 32-bit zero-extended.</summary>
    public Scalar Neg(bool alu32) => Const(0).Alu(Opcodes.Sub, this, alu32);

    /// <summary>The low 32 bits, zero-extended (a 32-bit mov, or the end of any 32-bit operation).</summary>
    public Scalar Zext32()
    {
        if (UMax <= uint.MaxValue)
            return this;
        var d = ToBounds();
        d.AssignSubregTo64();
        return d.SyncToScalar() ?? OfSize(4);
    }

    /// <summary>The low <paramref name="bytes"/> bytes, zero-extended.</summary>
    public Scalar Truncate(int bytes)
    {
        if (bytes >= 8)
            return this;
        if (bytes == 4)
            return Zext32();
        if (IsConst)
            return Const(ConstValue & ((1UL << (bytes * 8)) - 1));
        ulong max = (1UL << (bytes * 8)) - 1;
        if (UMax <= max)
            return this;
        var b = Bounds.Unbounded();
        b.VarOff = VarOff.Cast(bytes);
        b.UMin = 0;
        b.UMax = max;
        return b.SyncToScalar() ?? OfSize(bytes);
    }

    /// <summary>Sign extension of the low <paramref name="bits"/> bits (movsx, ldxs), then truncation to 32 bits when <paramref name="alu32"/>.</summary>
    public Scalar SignExtend(int bits, bool alu32)
    {
        Scalar r;
        if (IsConst)
        {
            int shift = 64 - bits;
            r = Const((ulong)((long)(ConstValue << shift) >> shift));
        }
        else if (UMax < 1UL << (bits - 1))
        {
            // Non-negative in the narrow type: sign extension changes nothing.
            r = this;
        }
        else
        {
            var b = Bounds.Unbounded();
            b.VarOff = VarOff.SignExtend(bits);
            b.SMin = -(1L << (bits - 1));
            b.SMax = (1L << (bits - 1)) - 1;
            r = b.SyncToScalar() ?? OfSignedSize(bits / 8);
        }
        return alu32 ? r.Zext32() : r;
    }

    /// <summary>le16/le32/le64, be16/be32/be64 and bswap16/32/64 on a little-endian machine.</summary>
    public Scalar ByteSwap(int bits, bool swap)
    {
        if (!swap)
            return Truncate(bits / 8);
        if (IsConst)
        {
            ulong v = ConstValue;
            return Const(bits switch
            {
                16 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)v),
                32 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)v),
                _ => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v),
            });
        }
        var b = Bounds.Unbounded();
        b.VarOff = VarOff.ByteSwap(bits);
        return b.SyncToScalar() ?? Unknown;
    }

    private Scalar DivMod(byte op, Scalar src, bool alu32, bool signed)
    {
        if (signed)
            return alu32 ? OfSize(4) : Unknown;
        ulong dMin = alu32 ? U32Min : UMin, dMax = alu32 ? U32Max : UMax;
        ulong sMin = alu32 ? src.U32Min : src.UMin, sMax = alu32 ? src.U32Max : src.UMax;
        ulong lo, hi;
        if (op == Opcodes.Div)
        {
            // x / 0 = 0 (RFC 9669); otherwise the quotient shrinks as the divisor grows.
            lo = sMin == 0 ? 0 : dMin / sMax;
            hi = dMax / Math.Max(1, sMin);
        }
        else
        {
            // x % 0 = x; otherwise the remainder is below the divisor and at most the dividend.
            lo = 0;
            hi = sMin == 0 ? dMax : Math.Min(dMax, sMax - 1);
            if (sMin > dMax)
                lo = dMin; // the dividend is always below the divisor: x % y = x
        }
        return FromUnsigned(lo, hi);
    }

    // ---- 32-bit and 64-bit range arithmetic (scalar32_min_max_* / scalar_min_max_*) ----

    private static void Add32(ref Bounds d, in Bounds s)
    {
        long smin = (long)d.S32Min + s.S32Min, smax = (long)d.S32Max + s.S32Max;
        if (smin < int.MinValue || smax > int.MaxValue)
        {
            d.S32Min = int.MinValue; d.S32Max = int.MaxValue;
        }
        else
        {
            d.S32Min = (int)smin; d.S32Max = (int)smax;
        }
        ulong umin = (ulong)d.U32Min + s.U32Min, umax = (ulong)d.U32Max + s.U32Max;
        bool oMin = umin > uint.MaxValue, oMax = umax > uint.MaxValue;
        if (oMin != oMax)
        {
            d.U32Min = 0; d.U32Max = uint.MaxValue;
        }
        else
        {
            // Both wrap or neither: the sums stay one contiguous range.
            d.U32Min = (uint)umin; d.U32Max = (uint)umax;
        }
    }

    private static void Add64(ref Bounds d, in Bounds s)
    {
        long smin = d.SMin + s.SMin, smax = d.SMax + s.SMax;
        bool sOverflow = ((d.SMin ^ smin) & (s.SMin ^ smin)) < 0 || ((d.SMax ^ smax) & (s.SMax ^ smax)) < 0;
        if (sOverflow)
        {
            d.SMin = long.MinValue; d.SMax = long.MaxValue;
        }
        else
        {
            d.SMin = smin; d.SMax = smax;
        }
        ulong umin = d.UMin + s.UMin, umax = d.UMax + s.UMax;
        bool oMin = umin < d.UMin, oMax = umax < d.UMax;
        if (oMin != oMax)
        {
            d.UMin = 0; d.UMax = ulong.MaxValue;
        }
        else
        {
            d.UMin = umin; d.UMax = umax;
        }
    }

    private static void Sub32(ref Bounds d, in Bounds s)
    {
        long smin = (long)d.S32Min - s.S32Max, smax = (long)d.S32Max - s.S32Min;
        if (smin < int.MinValue || smax > int.MaxValue)
        {
            d.S32Min = int.MinValue; d.S32Max = int.MaxValue;
        }
        else
        {
            d.S32Min = (int)smin; d.S32Max = (int)smax;
        }
        if (d.U32Min < s.U32Max)
        {
            d.U32Min = 0; d.U32Max = uint.MaxValue;
        }
        else
        {
            uint umin = d.U32Min - s.U32Max, umax = d.U32Max - s.U32Min;
            d.U32Min = umin; d.U32Max = umax;
        }
    }

    private static void Sub64(ref Bounds d, in Bounds s)
    {
        long smin = d.SMin - s.SMax, smax = d.SMax - s.SMin;
        bool sOverflow = ((d.SMin ^ s.SMax) & (d.SMin ^ smin)) < 0 || ((d.SMax ^ s.SMin) & (d.SMax ^ smax)) < 0;
        if (sOverflow)
        {
            d.SMin = long.MinValue; d.SMax = long.MaxValue;
        }
        else
        {
            d.SMin = smin; d.SMax = smax;
        }
        if (d.UMin < s.UMax)
        {
            d.UMin = 0; d.UMax = ulong.MaxValue;
        }
        else
        {
            ulong umin = d.UMin - s.UMax, umax = d.UMax - s.UMin;
            d.UMin = umin; d.UMax = umax;
        }
    }

    private static void Mul32(ref Bounds d, in Bounds s)
    {
        ulong umax = (ulong)d.U32Max * s.U32Max;
        if (umax > uint.MaxValue)
        {
            d.U32Min = 0; d.U32Max = uint.MaxValue;
        }
        else
        {
            d.U32Min *= s.U32Min;
            d.U32Max = (uint)umax;
        }
        long a = (long)d.S32Min * s.S32Min, b = (long)d.S32Min * s.S32Max, c = (long)d.S32Max * s.S32Min, e = (long)d.S32Max * s.S32Max;
        long lo = Math.Min(Math.Min(a, b), Math.Min(c, e)), hi = Math.Max(Math.Max(a, b), Math.Max(c, e));
        if (lo < int.MinValue || hi > int.MaxValue)
        {
            d.S32Min = int.MinValue; d.S32Max = int.MaxValue;
        }
        else
        {
            d.S32Min = (int)lo; d.S32Max = (int)hi;
        }
    }

    private static void Mul64(ref Bounds d, in Bounds s)
    {
        UInt128 umax = (UInt128)d.UMax * s.UMax;
        if (umax > ulong.MaxValue)
        {
            d.UMin = 0; d.UMax = ulong.MaxValue;
        }
        else
        {
            d.UMin *= s.UMin;
            d.UMax = (ulong)umax;
        }
        Int128 a = (Int128)d.SMin * s.SMin, b = (Int128)d.SMin * s.SMax, c = (Int128)d.SMax * s.SMin, e = (Int128)d.SMax * s.SMax;
        Int128 lo = Int128.Min(Int128.Min(a, b), Int128.Min(c, e)), hi = Int128.Max(Int128.Max(a, b), Int128.Max(c, e));
        if (lo < long.MinValue || hi > long.MaxValue)
        {
            d.SMin = long.MinValue; d.SMax = long.MaxValue;
        }
        else
        {
            d.SMin = (long)lo; d.SMax = (long)hi;
        }
    }

    private static void And32(ref Bounds d, in Bounds s)
    {
        var t = d.VarOff.Subreg;
        // The minimum comes from the known bits; the maximum is the smaller of the operands' maxima.
        d.U32Min = (uint)t.Value;
        d.U32Max = Math.Min(d.U32Max, s.U32Max);
        SignedFromUnsigned32(ref d);
    }

    private static void And64(ref Bounds d, in Bounds s)
    {
        d.UMin = d.VarOff.Value;
        d.UMax = Math.Min(d.UMax, s.UMax);
        SignedFromUnsigned64(ref d);
    }

    private static void Or32(ref Bounds d, in Bounds s)
    {
        var t = d.VarOff.Subreg;
        d.U32Min = Math.Max(d.U32Min, s.U32Min);
        d.U32Max = (uint)(t.Value | t.Mask);
        SignedFromUnsigned32(ref d);
    }

    private static void Or64(ref Bounds d, in Bounds s)
    {
        d.UMin = Math.Max(d.UMin, s.UMin);
        d.UMax = d.VarOff.Value | d.VarOff.Mask;
        SignedFromUnsigned64(ref d);
    }

    private static void Xor32(ref Bounds d, in Bounds s)
    {
        var t = d.VarOff.Subreg;
        d.U32Min = (uint)t.Value;
        d.U32Max = (uint)(t.Value | t.Mask);
        SignedFromUnsigned32(ref d);
    }

    private static void Xor64(ref Bounds d, in Bounds s)
    {
        d.UMin = d.VarOff.Value;
        d.UMax = d.VarOff.Value | d.VarOff.Mask;
        SignedFromUnsigned64(ref d);
    }

    // Safe to take the signed bounds from the unsigned ones only when those do not cross the sign boundary.
    private static void SignedFromUnsigned32(ref Bounds d)
    {
        if ((int)d.U32Min <= (int)d.U32Max)
        {
            d.S32Min = (int)d.U32Min; d.S32Max = (int)d.U32Max;
        }
        else
        {
            d.S32Min = int.MinValue; d.S32Max = int.MaxValue;
        }
    }

    private static void SignedFromUnsigned64(ref Bounds d)
    {
        if ((long)d.UMin <= (long)d.UMax)
        {
            d.SMin = (long)d.UMin; d.SMax = (long)d.UMax;
        }
        else
        {
            d.SMin = long.MinValue; d.SMax = long.MaxValue;
        }
    }

    private static void Shift64(ref Bounds d, byte op, int n)
    {
        switch (op)
        {
            case Opcodes.Lsh:
                // <<32 of a non-negative subregister is a common sign-extension idiom: keep its sign bounds.
                long smax = n == 32 && d.S32Max >= 0 ? (long)d.S32Max << 32 : long.MaxValue;
                long smin = n == 32 && d.S32Min >= 0 ? (long)d.S32Min << 32 : long.MinValue;
                d.SMax = smax; d.SMin = smin;
                if (d.UMax > (1UL << (63 - n)))
                {
                    d.UMin = 0; d.UMax = ulong.MaxValue;
                }
                else
                {
                    d.UMin <<= n; d.UMax <<= n;
                }
                d.VarOff = d.VarOff.Lsh(n);
                d.Mark32Unbounded();
                break;
            case Opcodes.Rsh:
                d.SMin = long.MinValue; d.SMax = long.MaxValue;
                d.VarOff = d.VarOff.Rsh(n);
                d.UMin >>= n; d.UMax >>= n;
                d.Mark32Unbounded();
                break;
            default: // Arsh
                d.SMin >>= n; d.SMax >>= n;
                d.VarOff = d.VarOff.Arsh(n);
                d.UMin = 0; d.UMax = ulong.MaxValue;
                d.Mark32Unbounded();
                break;
        }
        d.UpdateBounds();
    }

    private static void Shift32(ref Bounds d, byte op, int n)
    {
        var t = d.VarOff.Subreg;
        switch (op)
        {
            case Opcodes.Lsh:
                d.S32Min = int.MinValue; d.S32Max = int.MaxValue;
                if (d.U32Max > (1U << (31 - n)))
                {
                    d.U32Min = 0; d.U32Max = uint.MaxValue;
                }
                else
                {
                    d.U32Min <<= n; d.U32Max <<= n;
                }
                t = t.Lsh(n).Subreg;
                break;
            case Opcodes.Rsh:
                d.S32Min = int.MinValue; d.S32Max = int.MaxValue;
                t = t.Rsh(n);
                d.U32Min >>= n; d.U32Max >>= n;
                break;
            default:
                d.S32Min >>= n; d.S32Max >>= n;
                t = t.Arsh32(n);
                d.U32Min = 0; d.U32Max = uint.MaxValue;
                break;
        }
        d.VarOff = d.VarOff.WithSubreg(t);
        d.Mark64Unbounded();
        d.UpdateBounds();
    }
}
