using System.Globalization;

namespace SharpBpf.Verifier.Domains;

/// <summary>
/// What is known about a 64-bit value: its bits (<see cref="Tnum"/>) and four ranges, signed and
/// unsigned, of the whole value and of its low 32 bits (the kernel's bpf_reg_state bounds:
/// var_off, smin/smax, umin/umax, s32_min/s32_max, u32_min/u32_max). The five views constrain one
/// another; <see cref="Sync"/> propagates between them as reg_bounds_sync does. A value of this
/// type is never empty: operations that can find a contradiction (meet, branch refinement) return
/// null instead.
/// </summary>
public readonly partial struct Scalar : IEquatable<Scalar>
{
    /// <summary>The known bits.</summary>
    public Tnum VarOff { get; }
    /// <summary>Smallest value as signed 64-bit.</summary>
    public long SMin { get; }
    /// <summary>Largest value as signed 64-bit.</summary>
    public long SMax { get; }
    /// <summary>Smallest value as unsigned 64-bit.</summary>
    public ulong UMin { get; }
    /// <summary>Largest value as unsigned 64-bit.</summary>
    public ulong UMax { get; }
    /// <summary>Smallest low 32 bits as signed.</summary>
    public int S32Min { get; }
    /// <summary>Largest low 32 bits as signed.</summary>
    public int S32Max { get; }
    /// <summary>Smallest low 32 bits as unsigned.</summary>
    public uint U32Min { get; }
    /// <summary>Largest low 32 bits as unsigned.</summary>
    public uint U32Max { get; }

    internal Scalar(in Bounds b)
    {
        VarOff = b.VarOff;
        SMin = b.SMin; SMax = b.SMax; UMin = b.UMin; UMax = b.UMax;
        S32Min = b.S32Min; S32Max = b.S32Max; U32Min = b.U32Min; U32Max = b.U32Max;
    }

    internal Bounds ToBounds() => new()
    {
        VarOff = VarOff, SMin = SMin, SMax = SMax, UMin = UMin, UMax = UMax,
        S32Min = S32Min, S32Max = S32Max, U32Min = U32Min, U32Max = U32Max,
    };

    /// <summary>Any 64-bit value.</summary>
    public static Scalar Unknown { get; } = new(Bounds.Unbounded());

    /// <summary>Exactly <paramref name="value"/>.</summary>
    public static Scalar Const(ulong value) => new(Bounds.Known(value));

    /// <summary>Exactly <paramref name="value"/>.</summary>
    public static Scalar Const(long value) => Const((ulong)value);

    /// <summary>Any value in [<paramref name="min"/>, <paramref name="max"/>] (unsigned).</summary>
    public static Scalar FromUnsigned(ulong min, ulong max)
    {
        var b = Bounds.Unbounded();
        b.UMin = min; b.UMax = max;
        b.VarOff = Tnum.Range(min, max);
        return b.SyncToScalar() ?? throw new ArgumentException("empty range");
    }

    /// <summary>Any value in [<paramref name="min"/>, <paramref name="max"/>] (signed).</summary>
    public static Scalar FromSigned(long min, long max)
    {
        var b = Bounds.Unbounded();
        b.SMin = min; b.SMax = max;
        return b.SyncToScalar() ?? throw new ArgumentException("empty range");
    }

    /// <summary>Any value of <paramref name="bytes"/> bytes, zero-extended (what a load of that size gives).</summary>
    public static Scalar OfSize(int bytes) => bytes >= 8 ? Unknown : FromUnsigned(0, (1UL << (bytes * 8)) - 1);

    /// <summary>Any sign-extended value of <paramref name="bytes"/> bytes (what a sign-extending load gives).</summary>
    public static Scalar OfSignedSize(int bytes) =>
        bytes >= 8 ? Unknown : FromSigned(-(1L << (bytes * 8 - 1)), (1L << (bytes * 8 - 1)) - 1);

    /// <summary>A value known exactly.</summary>
    public bool IsConst => VarOff.IsConst;

    /// <summary>The value when <see cref="IsConst"/>.</summary>
    public ulong ConstValue => VarOff.Value;

    /// <summary>The low 32 bits are known exactly.</summary>
    public bool IsConst32 => VarOff.Subreg.IsConst;

    /// <summary>Nothing known.</summary>
    public bool IsUnknown => VarOff.IsUnknown && SMin == long.MinValue && SMax == long.MaxValue && UMin == 0 &&
        UMax == ulong.MaxValue && S32Min == int.MinValue && S32Max == int.MaxValue && U32Min == 0 && U32Max == uint.MaxValue;

    /// <summary>Whether the value may be <paramref name="x"/>.</summary>
    public bool MayBe(ulong x) => VarOff.Contains(x) && x >= UMin && x <= UMax && (long)x >= SMin && (long)x <= SMax &&
        (uint)x >= U32Min && (uint)x <= U32Max && (int)(uint)x >= S32Min && (int)(uint)x <= S32Max;

    /// <summary>Whether 0 is excluded.</summary>
    public bool IsNonZero => !MayBe(0);

    /// <summary>Re-derives every view from the others (reg_bounds_sync); null when they contradict.</summary>
    public Scalar? Sync() => ToBounds().SyncToScalar();

    // ---- lattice ----

    /// <summary>Least upper bound: the union of the ranges and of the known bits.</summary>
    public Scalar Join(Scalar other)
    {
        // One side within the other: the join is that side (every view is already its own sync).
        if (Leq(other))
            return other;
        if (other.Leq(this))
            return this;
        var b = new Bounds
        {
            VarOff = VarOff.Join(other.VarOff),
            SMin = Math.Min(SMin, other.SMin), SMax = Math.Max(SMax, other.SMax),
            UMin = Math.Min(UMin, other.UMin), UMax = Math.Max(UMax, other.UMax),
            S32Min = Math.Min(S32Min, other.S32Min), S32Max = Math.Max(S32Max, other.S32Max),
            U32Min = Math.Min(U32Min, other.U32Min), U32Max = Math.Max(U32Max, other.U32Max),
        };
        return b.SyncToScalar() ?? throw new InvalidOperationException("join of two non-empty values is empty");
    }

    /// <summary>Greatest lower bound, or null when no value is in both.</summary>
    public Scalar? Meet(Scalar other)
    {
        if (VarOff.Meet(other.VarOff) is not { } t)
            return null;
        var b = new Bounds
        {
            VarOff = t,
            SMin = Math.Max(SMin, other.SMin), SMax = Math.Min(SMax, other.SMax),
            UMin = Math.Max(UMin, other.UMin), UMax = Math.Min(UMax, other.UMax),
            S32Min = Math.Max(S32Min, other.S32Min), S32Max = Math.Min(S32Max, other.S32Max),
            U32Min = Math.Max(U32Min, other.U32Min), U32Max = Math.Min(U32Max, other.U32Max),
        };
        return b.SyncToScalar();
    }

    /// <summary>
    /// Widening of this (the older value) by <paramref name="next"/>: a bound that grew jumps to the
    /// next threshold beyond it (constants of the program), or to the end of its type. Thresholds
    /// are how `i != 1500` loops keep a bound: the jump goes to 1499, not to infinity.
    /// </summary>
    public Scalar Widen(Scalar next, WideningThresholds? thresholds = null)
    {
        if (next.Leq(this))
            return this;
        var t = thresholds ?? WideningThresholds.None;
        var b = new Bounds
        {
            VarOff = VarOff.Widen(next.VarOff),
            SMin = next.SMin < SMin ? t.SignedBelow(next.SMin) : SMin,
            SMax = next.SMax > SMax ? t.SignedAbove(next.SMax) : SMax,
            UMin = next.UMin < UMin ? t.UnsignedBelow(next.UMin) : UMin,
            UMax = next.UMax > UMax ? t.UnsignedAbove(next.UMax) : UMax,
            S32Min = next.S32Min < S32Min ? t.Signed32Below(next.S32Min) : S32Min,
            S32Max = next.S32Max > S32Max ? t.Signed32Above(next.S32Max) : S32Max,
            U32Min = next.U32Min < U32Min ? t.Unsigned32Below(next.U32Min) : U32Min,
            U32Max = next.U32Max > U32Max ? t.Unsigned32Above(next.U32Max) : U32Max,
        };
        return b.SyncToScalar() ?? Join(next);
    }

    /// <summary>Every value this allows, <paramref name="other"/> allows (range_within and tnum_in).</summary>
    public bool Leq(Scalar other) =>
        SMin >= other.SMin && SMax <= other.SMax && UMin >= other.UMin && UMax <= other.UMax &&
        S32Min >= other.S32Min && S32Max <= other.S32Max && U32Min >= other.U32Min && U32Max <= other.U32Max &&
        VarOff.Leq(other.VarOff);

    /// <inheritdoc/>
    public bool Equals(Scalar other) =>
        VarOff == other.VarOff && SMin == other.SMin && SMax == other.SMax && UMin == other.UMin && UMax == other.UMax &&
        S32Min == other.S32Min && S32Max == other.S32Max && U32Min == other.U32Min && U32Max == other.U32Max;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Scalar s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(VarOff, SMin, SMax, UMin, UMax, S32Min, S32Max, U32Min);

    /// <summary>Equality of the representations.</summary>
    public static bool operator ==(Scalar a, Scalar b) => a.Equals(b);

    /// <summary>Inequality of the representations.</summary>
    public static bool operator !=(Scalar a, Scalar b) => !a.Equals(b);

    /// <summary>
    /// A short readable form: the constant, or the tightest ranges that say something
    /// (<c>[0, 255]</c>, <c>s[-1, 9998]</c>), plus the known bits when they add to the ranges.
    /// </summary>
    public override string ToString()
    {
        if (IsConst)
            return FormatConst(ConstValue);
        var parts = new List<string>(4);
        bool uBounded = UMin != 0 || UMax != ulong.MaxValue;
        bool sBounded = SMin != long.MinValue || SMax != long.MaxValue;
        if (uBounded && (long)UMin <= (long)UMax && SMin == (long)UMin && SMax == (long)UMax)
            parts.Add($"[{FormatConst(UMin)}, {FormatConst(UMax)}]");
        else
        {
            if (uBounded)
                parts.Add($"u[{FormatConst(UMin)}, {FormatConst(UMax)}]");
            if (sBounded)
                parts.Add($"s[{SMin}, {SMax}]");
        }
        bool u32Implied = UMax <= uint.MaxValue;
        if (!u32Implied && (U32Min != 0 || U32Max != uint.MaxValue))
            parts.Add($"u32[{U32Min}, {U32Max}]");
        if (!VarOff.IsUnknown && Tnum.Range(UMin, UMax).Mask != VarOff.Mask)
            parts.Add($"bits {VarOff}");
        return parts.Count == 0 ? "unknown" : string.Join(' ', parts);
    }

    internal static string FormatConst(ulong v)
    {
        if (v <= 0xffff)
            return v.ToString(CultureInfo.InvariantCulture);
        if ((long)v < 0 && (long)v >= -0xffff)
            return ((long)v).ToString(CultureInfo.InvariantCulture);
        return $"0x{v:x}";
    }
}
