using System.Numerics;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// Multiply-shift replacements for unsigned division by a constant, so <c>r /= 7</c> costs a
/// multiply instead of a 40-cycle <c>div</c> (the kernel's JIT emits the <c>div</c>).
/// 64-bit: libdivide's u64 scheme (Granlund and Montgomery; q = mulhi(m, x), with the "add"
/// fix-up when m needs 65 bits). 32-bit: Lemire, Kaser and Kurz, "Faster Remainder by Direct
/// Computation" (2019): q = mulhi64(2^64 / d + 1, x) is exact for every 32-bit x.
/// </summary>
internal readonly record struct DivisionMagic(ulong Multiplier, int Shift, bool Add)
{
    /// <summary>The magic for a 64-bit divisor that is neither 0 nor a power of two.</summary>
    public static DivisionMagic For64(ulong divisor)
    {
        int floorLog2 = 63 - BitOperations.LeadingZeroCount(divisor);
        UInt128 numerator = UInt128.One << (64 + floorLog2);
        ulong proposed = (ulong)(numerator / divisor);
        ulong remainder = (ulong)(numerator % divisor);
        ulong e = divisor - remainder;
        if (e < 1UL << floorLog2)
            return new DivisionMagic(proposed + 1, floorLog2, false);
        // The 65-bit case: double the quotient and remainder of 2^(64+l) / d to get 2^(65+l) / d.
        proposed += proposed;
        ulong twice = remainder + remainder;
        if (twice >= divisor || twice < remainder)
            proposed++;
        return new DivisionMagic(proposed + 1, floorLog2, true);
    }

    /// <summary>The magic for a 32-bit divisor that is neither 0 nor a power of two.</summary>
    public static DivisionMagic For32(uint divisor) => new(ulong.MaxValue / divisor + 1, 0, false);

    /// <summary>What the emitted code computes, for tests.</summary>
    public ulong Divide(ulong x)
    {
        ulong q = (ulong)(((UInt128)Multiplier * x) >> 64);
        if (!Add)
            return q >> Shift;
        return (((x - q) >> 1) + q) >> Shift;
    }
}
