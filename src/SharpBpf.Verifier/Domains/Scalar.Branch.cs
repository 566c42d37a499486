using SharpBpf.Core;

namespace SharpBpf.Verifier.Domains;

/// <summary>A comparison of a conditional jump, with the negation of <c>&amp;</c> for the fall-through.</summary>
public enum Comparison : byte
{
    /// <summary>==</summary>
    Eq,
    /// <summary>!=</summary>
    Ne,
    /// <summary>&gt; unsigned</summary>
    Gt,
    /// <summary>&gt;= unsigned</summary>
    Ge,
    /// <summary>&lt; unsigned</summary>
    Lt,
    /// <summary>&lt;= unsigned</summary>
    Le,
    /// <summary>&gt; signed</summary>
    Sgt,
    /// <summary>&gt;= signed</summary>
    Sge,
    /// <summary>&lt; signed</summary>
    Slt,
    /// <summary>&lt;= signed</summary>
    Sle,
    /// <summary>a &amp; b != 0</summary>
    Set,
    /// <summary>a &amp; b == 0 (the fall-through of <see cref="Set"/>)</summary>
    NotSet,
}

/// <summary>Facts about comparisons: from a jump opcode, negation, operand swap.</summary>
public static class Comparisons
{
    /// <summary>The comparison of a BPF_JMP/JMP32 opcode.</summary>
    public static Comparison FromOpcode(byte opcode) => (opcode & 0xf0) switch
    {
        Opcodes.Jeq => Comparison.Eq,
        Opcodes.Jne => Comparison.Ne,
        Opcodes.Jgt => Comparison.Gt,
        Opcodes.Jge => Comparison.Ge,
        Opcodes.Jlt => Comparison.Lt,
        Opcodes.Jle => Comparison.Le,
        Opcodes.Jsgt => Comparison.Sgt,
        Opcodes.Jsge => Comparison.Sge,
        Opcodes.Jslt => Comparison.Slt,
        Opcodes.Jsle => Comparison.Sle,
        _ => Comparison.Set,
    };

    /// <summary>The comparison that holds when this one does not (rev_opcode).</summary>
    public static Comparison Negate(this Comparison c) => c switch
    {
        Comparison.Eq => Comparison.Ne,
        Comparison.Ne => Comparison.Eq,
        Comparison.Gt => Comparison.Le,
        Comparison.Ge => Comparison.Lt,
        Comparison.Lt => Comparison.Ge,
        Comparison.Le => Comparison.Gt,
        Comparison.Sgt => Comparison.Sle,
        Comparison.Sge => Comparison.Slt,
        Comparison.Slt => Comparison.Sge,
        Comparison.Sle => Comparison.Sgt,
        Comparison.Set => Comparison.NotSet,
        _ => Comparison.Set,
    };

    /// <summary>The comparison with its operands swapped (flip_opcode): a &lt; b is b &gt; a.</summary>
    public static Comparison Swap(this Comparison c) => c switch
    {
        Comparison.Gt => Comparison.Lt,
        Comparison.Ge => Comparison.Le,
        Comparison.Lt => Comparison.Gt,
        Comparison.Le => Comparison.Ge,
        Comparison.Sgt => Comparison.Slt,
        Comparison.Sge => Comparison.Sle,
        Comparison.Slt => Comparison.Sgt,
        Comparison.Sle => Comparison.Sge,
        _ => c,
    };

    /// <summary>The operator as C writes it.</summary>
    public static string Symbol(this Comparison c) => c switch
    {
        Comparison.Eq => "==",
        Comparison.Ne => "!=",
        Comparison.Gt => ">",
        Comparison.Ge => ">=",
        Comparison.Lt => "<",
        Comparison.Le => "<=",
        Comparison.Sgt => "s>",
        Comparison.Sge => "s>=",
        Comparison.Slt => "s<",
        Comparison.Sle => "s<=",
        Comparison.Set => "&",
        _ => "!&",
    };
}

/// <summary>Branch decisions and refinements on scalars (is_scalar_branch_taken, regs_refine_cond_op).</summary>
public readonly partial struct Scalar
{
    /// <summary>
    /// Whether <c>a cmp b</c> always holds (1), never holds (0) or may go either way (-1), on the
    /// 64-bit values or on their low 32 bits.
    /// </summary>
    public static int Decide(Scalar a, Scalar b, Comparison cmp, bool is32)
    {
        Tnum t1 = is32 ? a.VarOff.Subreg : a.VarOff, t2 = is32 ? b.VarOff.Subreg : b.VarOff;
        ulong umin1 = is32 ? a.U32Min : a.UMin, umax1 = is32 ? a.U32Max : a.UMax;
        ulong umin2 = is32 ? b.U32Min : b.UMin, umax2 = is32 ? b.U32Max : b.UMax;
        long smin1 = is32 ? a.S32Min : a.SMin, smax1 = is32 ? a.S32Max : a.SMax;
        long smin2 = is32 ? b.S32Min : b.SMin, smax2 = is32 ? b.S32Max : b.SMax;
        switch (cmp)
        {
            case Comparison.Eq:
            case Comparison.Ne:
            {
                int eq = -1;
                if (t1.IsConst && t2.IsConst)
                    eq = t1.Value == t2.Value ? 1 : 0;
                else if (umin1 > umax2 || umax1 < umin2 || smin1 > smax2 || smax1 < smin2)
                    eq = 0;
                else if (!is32 && (a.U32Min > b.U32Max || a.U32Max < b.U32Min || a.S32Min > b.S32Max || a.S32Max < b.S32Min))
                    eq = 0;
                else if (t1.Meet(t2) is null)
                    eq = 0;
                return eq < 0 ? -1 : cmp == Comparison.Eq ? eq : 1 - eq;
            }
            case Comparison.Set:
            case Comparison.NotSet:
            {
                int set = -1;
                if ((t1.Value & t2.Value) != 0)
                    set = 1;
                else if (((t1.Value | t1.Mask) & (t2.Value | t2.Mask)) == 0)
                    set = 0;
                return set < 0 ? -1 : cmp == Comparison.Set ? set : 1 - set;
            }
            case Comparison.Gt:
                return umin1 > umax2 ? 1 : umax1 <= umin2 ? 0 : -1;
            case Comparison.Ge:
                return umin1 >= umax2 ? 1 : umax1 < umin2 ? 0 : -1;
            case Comparison.Lt:
                return umax1 < umin2 ? 1 : umin1 >= umax2 ? 0 : -1;
            case Comparison.Le:
                return umax1 <= umin2 ? 1 : umin1 > umax2 ? 0 : -1;
            case Comparison.Sgt:
                return smin1 > smax2 ? 1 : smax1 <= smin2 ? 0 : -1;
            case Comparison.Sge:
                return smin1 >= smax2 ? 1 : smax1 < smin2 ? 0 : -1;
            case Comparison.Slt:
                return smax1 < smin2 ? 1 : smin1 >= smax2 ? 0 : -1;
            default: // Sle
                return smax1 <= smin2 ? 1 : smin1 > smax2 ? 0 : -1;
        }
    }

    /// <summary>
    /// Narrows <paramref name="a"/> and <paramref name="b"/> to the values for which
    /// <c>a cmp b</c> holds. Returns false when no values do (the branch cannot be taken).
    /// </summary>
    public static bool Refine(ref Scalar a, ref Scalar b, Comparison cmp, bool is32)
    {
        if (Decide(a, b, cmp, is32) == 0)
            return false;
        var x = a.ToBounds();
        var y = b.ToBounds();
        if (!RefineBounds(ref x, ref y, cmp, is32))
            return false;
        if (x.SyncToScalar() is not { } na || y.SyncToScalar() is not { } nb)
            return false;
        a = na;
        b = nb;
        return true;
    }

    private static bool RefineBounds(ref Bounds x, ref Bounds y, Comparison cmp, bool is32)
    {
        switch (cmp)
        {
            case Comparison.Eq:
                if (is32)
                {
                    x.U32Min = y.U32Min = Math.Max(x.U32Min, y.U32Min);
                    x.U32Max = y.U32Max = Math.Min(x.U32Max, y.U32Max);
                    x.S32Min = y.S32Min = Math.Max(x.S32Min, y.S32Min);
                    x.S32Max = y.S32Max = Math.Min(x.S32Max, y.S32Max);
                    if (x.VarOff.Subreg.Meet(y.VarOff.Subreg) is not { } t)
                        return false;
                    x.VarOff = x.VarOff.WithSubreg(t);
                    y.VarOff = y.VarOff.WithSubreg(t);
                }
                else
                {
                    x.UMin = y.UMin = Math.Max(x.UMin, y.UMin);
                    x.UMax = y.UMax = Math.Min(x.UMax, y.UMax);
                    x.SMin = y.SMin = Math.Max(x.SMin, y.SMin);
                    x.SMax = y.SMax = Math.Min(x.SMax, y.SMax);
                    if (x.VarOff.Meet(y.VarOff) is not { } t)
                        return false;
                    x.VarOff = y.VarOff = t;
                }
                return true;
            case Comparison.Ne:
            {
                // Only a constant at the edge of the other's range tells anything.
                bool yConst = is32 ? y.VarOff.Subreg.IsConst : y.VarOff.IsConst;
                if (!yConst)
                {
                    bool xConst = is32 ? x.VarOff.Subreg.IsConst : x.VarOff.IsConst;
                    return !xConst || RefineBounds(ref y, ref x, cmp, is32);
                }
                ulong v = is32 ? (uint)y.VarOff.Value : y.VarOff.Value;
                if (is32)
                {
                    if (x.U32Min == (uint)v) x.U32Min++;
                    if (x.U32Max == (uint)v) x.U32Max--;
                    if (x.S32Min == (int)(uint)v) x.S32Min++;
                    if (x.S32Max == (int)(uint)v) x.S32Max--;
                }
                else
                {
                    if (x.UMin == v) x.UMin++;
                    if (x.UMax == v) x.UMax--;
                    if (x.SMin == (long)v) x.SMin++;
                    if (x.SMax == (long)v) x.SMax--;
                }
                return true;
            }
            case Comparison.Set:
            {
                bool yConst = is32 ? y.VarOff.Subreg.IsConst : y.VarOff.IsConst;
                if (!yConst)
                {
                    bool xConst = is32 ? x.VarOff.Subreg.IsConst : x.VarOff.IsConst;
                    return !xConst || RefineBounds(ref y, ref x, cmp, is32);
                }
                ulong v = is32 ? (uint)y.VarOff.Value : y.VarOff.Value;
                // A single tested bit is known set; more bits only say "one of them".
                if (v != 0 && (v & (v - 1)) == 0)
                {
                    if (is32)
                        x.VarOff = x.VarOff.WithSubreg(x.VarOff.Subreg | Tnum.Const(v));
                    else
                        x.VarOff |= Tnum.Const(v);
                }
                return true;
            }
            case Comparison.NotSet:
            {
                bool yConst = is32 ? y.VarOff.Subreg.IsConst : y.VarOff.IsConst;
                if (!yConst)
                {
                    bool xConst = is32 ? x.VarOff.Subreg.IsConst : x.VarOff.IsConst;
                    return !xConst || RefineBounds(ref y, ref x, cmp, is32);
                }
                ulong v = is32 ? (uint)y.VarOff.Value : y.VarOff.Value;
                // Every tested bit is known clear. (The kernel forgets the ranges first to avoid an
                // invariant violation on dead branches; here a contradiction just means "not taken".)
                if (is32)
                    x.VarOff = x.VarOff.WithSubreg(x.VarOff.Subreg & Tnum.Const(~v));
                else
                    x.VarOff &= Tnum.Const(~v);
                return true;
            }
            case Comparison.Le:
                if (is32)
                {
                    x.U32Max = Math.Min(x.U32Max, y.U32Max);
                    y.U32Min = Math.Max(x.U32Min, y.U32Min);
                }
                else
                {
                    x.UMax = Math.Min(x.UMax, y.UMax);
                    y.UMin = Math.Max(x.UMin, y.UMin);
                }
                return true;
            case Comparison.Lt:
                if (is32)
                {
                    if (y.U32Max == 0 || x.U32Min == uint.MaxValue)
                        return false;
                    x.U32Max = Math.Min(x.U32Max, y.U32Max - 1);
                    y.U32Min = Math.Max(x.U32Min + 1, y.U32Min);
                }
                else
                {
                    if (y.UMax == 0 || x.UMin == ulong.MaxValue)
                        return false;
                    x.UMax = Math.Min(x.UMax, y.UMax - 1);
                    y.UMin = Math.Max(x.UMin + 1, y.UMin);
                }
                return true;
            case Comparison.Sle:
                if (is32)
                {
                    x.S32Max = Math.Min(x.S32Max, y.S32Max);
                    y.S32Min = Math.Max(x.S32Min, y.S32Min);
                }
                else
                {
                    x.SMax = Math.Min(x.SMax, y.SMax);
                    y.SMin = Math.Max(x.SMin, y.SMin);
                }
                return true;
            case Comparison.Slt:
                if (is32)
                {
                    if (y.S32Max == int.MinValue || x.S32Min == int.MaxValue)
                        return false;
                    x.S32Max = Math.Min(x.S32Max, y.S32Max - 1);
                    y.S32Min = Math.Max(x.S32Min + 1, y.S32Min);
                }
                else
                {
                    if (y.SMax == long.MinValue || x.SMin == long.MaxValue)
                        return false;
                    x.SMax = Math.Min(x.SMax, y.SMax - 1);
                    y.SMin = Math.Max(x.SMin + 1, y.SMin);
                }
                return true;
            default:
                // >, >=, s>, s>= are <, <=, s<, s<= with the operands swapped.
                return RefineBounds(ref y, ref x, cmp.Swap(), is32);
        }
    }
}
