namespace SharpBpf.Verifier.Domains;

/// <summary>
/// The mutable working form of <see cref="Scalar"/>: the operations below are the kernel's bounds
/// bookkeeping (kernel/bpf/verifier.c: __update_reg_bounds, __reg_deduce_bounds,
/// __reg_bound_offset, reg_bounds_sync), rewritten for this representation.
/// </summary>
internal struct Bounds
{
    public Tnum VarOff;
    public long SMin, SMax;
    public ulong UMin, UMax;
    public int S32Min, S32Max;
    public uint U32Min, U32Max;

    public static Bounds Unbounded() => new()
    {
        VarOff = Tnum.Unknown,
        SMin = long.MinValue, SMax = long.MaxValue, UMin = 0, UMax = ulong.MaxValue,
        S32Min = int.MinValue, S32Max = int.MaxValue, U32Min = 0, U32Max = uint.MaxValue,
    };

    public static Bounds Known(ulong v) => new()
    {
        VarOff = Tnum.Const(v),
        SMin = (long)v, SMax = (long)v, UMin = v, UMax = v,
        S32Min = (int)(uint)v, S32Max = (int)(uint)v, U32Min = (uint)v, U32Max = (uint)v,
    };

    public void Mark64Unbounded()
    {
        SMin = long.MinValue; SMax = long.MaxValue; UMin = 0; UMax = ulong.MaxValue;
    }

    public void Mark32Unbounded()
    {
        S32Min = int.MinValue; S32Max = int.MaxValue; U32Min = 0; U32Max = uint.MaxValue;
    }

    public void MarkUnbounded()
    {
        Mark64Unbounded();
        Mark32Unbounded();
    }

    private readonly bool Within(in Bounds o) =>
        SMin >= o.SMin && SMax <= o.SMax && UMin >= o.UMin && UMax <= o.UMax &&
        S32Min >= o.S32Min && S32Max <= o.S32Max && U32Min >= o.U32Min && U32Max <= o.U32Max && VarOff.Leq(o.VarOff);

    private bool IntersectWith(in Bounds o)
    {
        if (VarOff.Meet(o.VarOff) is not { } t)
            return false;
        VarOff = t;
        SMin = Math.Max(SMin, o.SMin); SMax = Math.Min(SMax, o.SMax);
        UMin = Math.Max(UMin, o.UMin); UMax = Math.Min(UMax, o.UMax);
        S32Min = Math.Max(S32Min, o.S32Min); S32Max = Math.Min(S32Max, o.S32Max);
        U32Min = Math.Max(U32Min, o.U32Min); U32Max = Math.Min(U32Max, o.U32Max);
        return !IsEmpty;
    }

    private void MakeEmpty()
    {
        SMin = 1;
        SMax = 0;
    }

    public readonly bool IsEmpty =>
        SMin > SMax || UMin > UMax || S32Min > S32Max || U32Min > U32Max ||
        UMin > VarOff.UMax || UMax < VarOff.UMin;

    /// <summary>reg_bounds_sync, then a check that the views still share a value.</summary>
    public Scalar? SyncToScalar()
    {
        if (IsEmpty)
            return null;
        var original = this;
        // The kernel's deductions assume the views share a value; when they do not, a deduction can
        // overwrite one bound with another and hide the contradiction. Every deduction keeps the
        // values satisfying the original constraints, so intersecting with them again is sound,
        // and exposes the contradiction as an empty range.
        Sync();
        for (int round = 0; round < 3 && !Within(original); round++)
        {
            if (IsEmpty || !IntersectWith(original))
                return null;
            Sync();
        }
        if (IsEmpty || !Within(original))
            return null;
        // The tnum must agree with the ranges too (the kernel's reg_bounds_sanity_check).
        var sub = VarOff.Subreg;
        if (sub.UMin > U32Max || sub.UMax < U32Min)
            return null;
        if (VarOff.IsConst)
        {
            ulong v = VarOff.Value;
            if (v < UMin || v > UMax || (long)v < SMin || (long)v > SMax || (uint)v < U32Min || (uint)v > U32Max ||
                (int)(uint)v < S32Min || (int)(uint)v > S32Max)
                return null;
        }
        return new Scalar(this);
    }

    public void Sync()
    {
        UpdateBounds();
        DeduceBounds();
        DeduceBounds();
        BoundOffset();
        UpdateBounds();
    }

    /// <summary>__update_reg_bounds: what the known bits imply for each range.</summary>
    public void UpdateBounds()
    {
        var v32 = VarOff.Subreg;
        S32Min = Math.Max(S32Min, (int)(uint)(v32.Value | (v32.Mask & 0x8000_0000UL)));
        S32Max = Math.Min(S32Max, (int)(uint)(v32.Value | (v32.Mask & 0x7fff_ffffUL)));
        U32Min = Math.Max(U32Min, (uint)v32.Value);
        U32Max = Math.Min(U32Max, (uint)(v32.Value | v32.Mask));

        SMin = Math.Max(SMin, (long)(VarOff.Value | (VarOff.Mask & 0x8000_0000_0000_0000UL)));
        SMax = Math.Min(SMax, (long)(VarOff.Value | (VarOff.Mask & 0x7fff_ffff_ffff_ffffUL)));
        UMin = Math.Max(UMin, VarOff.Value);
        UMax = Math.Min(UMax, VarOff.Value | VarOff.Mask);

        // The ranges end on values the tnum allows (the kernel's tnum_step refinement, which also
        // finds the single value when only one lies in the range). No value at all: empty.
        if (UMin <= UMax && !VarOff.IsUnknown)
        {
            // Both exist: UMin <= UMax lies within [Value, Value | Mask] after the clamps above.
            UMin = VarOff.NextAtLeast(UMin) ?? UMin;
            UMax = VarOff.PreviousAtMost(UMax) ?? UMax;
        }
        if (U32Min <= U32Max && !v32.IsUnknown && v32.Mask != 0xffff_ffffUL)
        {
            U32Min = (uint)(v32.NextAtLeast(U32Min) ?? U32Min);
            U32Max = (uint)(v32.PreviousAtMost(U32Max) ?? U32Max);
        }
    }

    public void DeduceBounds()
    {
        Deduce32();
        Deduce64();
        DeduceMixed();
    }

    private void Deduce32()
    {
        // The upper 32 bits do not change across the u64 (or s64) range: its low halves bound the subregister.
        if ((UMin >> 32) == (UMax >> 32))
        {
            U32Min = Math.Max(U32Min, (uint)UMin);
            U32Max = Math.Min(U32Max, (uint)UMax);
            if ((int)(uint)UMin <= (int)(uint)UMax)
            {
                S32Min = Math.Max(S32Min, (int)(uint)UMin);
                S32Max = Math.Min(S32Max, (int)(uint)UMax);
            }
        }
        if ((SMin >> 32) == (SMax >> 32))
        {
            if ((uint)SMin <= (uint)SMax)
            {
                U32Min = Math.Max(U32Min, (uint)SMin);
                U32Max = Math.Min(U32Max, (uint)SMax);
            }
            if ((int)SMin <= (int)SMax)
            {
                S32Min = Math.Max(S32Min, (int)SMin);
                S32Max = Math.Min(S32Max, (int)SMax);
            }
        }
        // The upper halves are two consecutive numbers and the low halves cross from negative to positive.
        if ((uint)(UMin >> 32) + 1 == (uint)(UMax >> 32) && (int)(uint)UMin < 0 && (int)(uint)UMax >= 0)
        {
            S32Min = Math.Max(S32Min, (int)(uint)UMin);
            S32Max = Math.Min(S32Max, (int)(uint)UMax);
        }
        if ((uint)((ulong)SMin >> 32) + 1 == (uint)((ulong)SMax >> 32) && (int)SMin < 0 && (int)SMax >= 0)
        {
            S32Min = Math.Max(S32Min, (int)SMin);
            S32Max = Math.Min(S32Max, (int)SMax);
        }
        // A u32 range that does not cross the sign bit is an s32 range, and the other way round.
        if ((int)U32Min <= (int)U32Max)
        {
            S32Min = Math.Max(S32Min, (int)U32Min);
            S32Max = Math.Min(S32Max, (int)U32Max);
        }
        if ((uint)S32Min <= (uint)S32Max)
        {
            U32Min = Math.Max((uint)S32Min, U32Min);
            U32Max = Math.Min((uint)S32Max, U32Max);
        }
    }

    private void Deduce64()
    {
        if ((long)UMin <= (long)UMax)
        {
            SMin = Math.Max(SMin, (long)UMin);
            SMax = Math.Min(SMax, (long)UMax);
        }
        if ((ulong)SMin <= (ulong)SMax)
        {
            UMin = Math.Max((ulong)SMin, UMin);
            UMax = Math.Min((ulong)SMax, UMax);
        }
        else
        {
            // The s64 range crosses the sign boundary: it covers both ends of the u64 space; if the
            // u64 range lies within one end, each tightens the other.
            // (The kernel assumes the two ranges intersect; when they do not, the value is empty.)
            if (UMax < (ulong)SMin)
            {
                if (UMin > (ulong)SMax)
                    MakeEmpty();
                else
                {
                    SMin = (long)UMin;
                    UMax = Math.Min(UMax, (ulong)SMax);
                }
            }
            else if ((ulong)SMax < UMin)
            {
                if ((long)UMax >= 0)
                    MakeEmpty();
                else
                {
                    SMax = (long)UMax;
                    UMin = Math.Max(UMin, (ulong)SMin);
                }
            }
        }
    }

    private void DeduceMixed()
    {
        // The u32 bounds override the low halves of the 64-bit bounds.
        ulong newUMin = (UMin & ~0xffff_ffffUL) | U32Min;
        ulong newUMax = (UMax & ~0xffff_ffffUL) | U32Max;
        UMin = Math.Max(UMin, newUMin);
        UMax = Math.Min(UMax, newUMax);
        long newSMin = (long)(((ulong)SMin & ~0xffff_ffffUL) | U32Min);
        long newSMax = (long)(((ulong)SMax & ~0xffff_ffffUL) | U32Max);
        SMin = Math.Max(SMin, newSMin);
        SMax = Math.Min(SMax, newSMax);
        // After a sign-extending load the upper bits are all zeros or all ones: the s32 range is the s64 range.
        if (S32Min >= 0 && SMin >= int.MinValue && SMax <= int.MaxValue)
        {
            SMin = S32Min;
            SMax = S32Max;
            UMin = (ulong)S32Min;
            UMax = (ulong)S32Max;
            if (VarOff.Meet(Tnum.Range((ulong)SMin, (ulong)SMax)) is { } t)
                VarOff = t;
        }
    }

    /// <summary>__reg_bound_offset: what the ranges imply for the known bits.</summary>
    public void BoundOffset()
    {
        if (UMin > UMax || U32Min > U32Max)
            return;
        var v64 = VarOff.Meet(Tnum.Range(UMin, UMax)) ?? VarOff;
        var v32 = v64.Subreg.Meet(Tnum.Range(U32Min, U32Max)) ?? v64.Subreg;
        VarOff = v64.ClearSubreg | v32;
    }

    /// <summary>__reg_assign_32_into_64 after a 32-bit operation: the upper half is zero.</summary>
    public void AssignSubregTo64()
    {
        VarOff = VarOff.Subreg;
        UMin = U32Min;
        UMax = U32Max;
        if (S32Min >= 0 && S32Max >= 0)
        {
            SMin = S32Min;
            SMax = S32Max;
        }
        else
        {
            SMin = 0;
            SMax = uint.MaxValue;
        }
    }
}
