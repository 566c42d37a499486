namespace SharpBpf.Verifier.Domains;

/// <summary>
/// The landing points of widening with thresholds (Blanchet et al., "A static analyzer for large
/// safety-critical software", 2003): when a bound keeps growing at a loop head it jumps to the
/// nearest threshold beyond it rather than to the end of its type. The thresholds are the
/// program's comparison constants and their neighbours, so a loop exiting on <c>i == 1500</c> gets
/// <c>i &lt;= 1499</c>, the bound an access needs. Any threshold is sound: the fixpoint iteration
/// goes on until the bound holds, moving to the next threshold (or the end) if it does not.
/// </summary>
public sealed class WideningThresholds
{
    private readonly ulong[] _unsigned;
    private readonly long[] _signed;

    /// <summary>No thresholds: bounds widen straight to the ends of their types.</summary>
    public static WideningThresholds None { get; } = new([]);

    /// <summary>Thresholds at each constant and its two neighbours.</summary>
    public WideningThresholds(IEnumerable<long> constants)
    {
        var s = new SortedSet<long>();
        foreach (long c in constants)
        {
            s.Add(c);
            if (c != long.MinValue) s.Add(c - 1);
            if (c != long.MaxValue) s.Add(c + 1);
        }
        _signed = [.. s];
        var u = new SortedSet<ulong>();
        foreach (long c in s)
            u.Add((ulong)c);
        _unsigned = [.. u];
    }

    /// <summary>The number of thresholds.</summary>
    public int Count => _signed.Length;

    /// <summary>The smallest threshold at or above <paramref name="x"/>, else the maximum.</summary>
    public ulong UnsignedAbove(ulong x)
    {
        int i = Array.BinarySearch(_unsigned, x);
        if (i < 0) i = ~i;
        return i < _unsigned.Length ? _unsigned[i] : ulong.MaxValue;
    }

    /// <summary>The largest threshold at or below <paramref name="x"/>, else 0.</summary>
    public ulong UnsignedBelow(ulong x)
    {
        int i = Array.BinarySearch(_unsigned, x);
        if (i >= 0) return _unsigned[i];
        i = ~i - 1;
        return i >= 0 ? _unsigned[i] : 0;
    }

    /// <summary>The smallest threshold at or above <paramref name="x"/>, else the maximum.</summary>
    public long SignedAbove(long x)
    {
        int i = Array.BinarySearch(_signed, x);
        if (i < 0) i = ~i;
        return i < _signed.Length ? _signed[i] : long.MaxValue;
    }

    /// <summary>The largest threshold at or below <paramref name="x"/>, else the minimum.</summary>
    public long SignedBelow(long x)
    {
        int i = Array.BinarySearch(_signed, x);
        if (i >= 0) return _signed[i];
        i = ~i - 1;
        return i >= 0 ? _signed[i] : long.MinValue;
    }

    /// <summary>The 32-bit unsigned counterpart of <see cref="UnsignedAbove"/>.</summary>
    public uint Unsigned32Above(uint x)
    {
        ulong t = UnsignedAbove(x);
        return t <= uint.MaxValue ? (uint)t : uint.MaxValue;
    }

    /// <summary>The 32-bit unsigned counterpart of <see cref="UnsignedBelow"/>.</summary>
    public uint Unsigned32Below(uint x) => (uint)Math.Min(UnsignedBelow(x), x);

    /// <summary>The 32-bit signed counterpart of <see cref="SignedAbove"/>.</summary>
    public int Signed32Above(int x)
    {
        long t = SignedAbove(x);
        return t <= int.MaxValue ? (int)t : int.MaxValue;
    }

    /// <summary>The 32-bit signed counterpart of <see cref="SignedBelow"/>.</summary>
    public int Signed32Below(int x)
    {
        long t = SignedBelow(x);
        return t >= int.MinValue ? (int)t : int.MinValue;
    }
}
