namespace SharpBpf.Trace.Output;

/// <summary>
/// Which bucket hist() and lhist() put a value in, as bpftrace 0.17's generated code does; the
/// compiler emits the same arithmetic and the tests use these to build expected maps.
/// </summary>
public static class HistogramBuckets
{
    /// <summary>
    /// hist(): 0 for negative values, 1 for 0, otherwise 2 + log2(n), where bpftrace 0.17's log2 tries
    /// shifts of 16, 8, 4, 2 and 1 only, so every value from 2^31 up lands in bucket 33, <c>[2G, 4G)</c>.
    /// </summary>
    public static int HistIndex(long value)
    {
        if (value < 0)
            return 0;
        if (value == 0)
            return 1;
        ulong n = (ulong)value;
        int result = 2;
        for (int shift = 16; shift > 0; shift >>= 1)
        {
            if (n >= 1UL << shift)
            {
                n >>= shift;
                result += shift;
            }
        }
        return result;
    }

    /// <summary>lhist(): 0 below <paramref name="min"/>, (max - min) / step + 1 at or above <paramref name="max"/>, else (value - min) / step + 1.</summary>
    public static long LhistIndex(long value, long min, long max, long step)
    {
        if (value < min)
            return 0;
        if (value >= max)
            return (max - min) / step + 1;
        return (value - min) / step + 1;
    }
}
