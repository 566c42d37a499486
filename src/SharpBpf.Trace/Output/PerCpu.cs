namespace SharpBpf.Trace.Output;

/// <summary>
/// Folds the per-CPU slots of an aggregation as bpftrace 0.17 does when it prints (utils.cpp's
/// reduce_value, min_value, max_value).
/// </summary>
public static class PerCpu
{
    /// <summary>count, sum, avg/stats' count and total, hist buckets: the sum of all CPUs.</summary>
    public static long Sum(ReadOnlySpan<long> slots)
    {
        long sum = 0;
        foreach (var v in slots)
            sum += v;
        return sum;
    }

    /// <summary>max: the largest slot, never below 0 (bpftrace starts from 0, so CPUs that never ran count as 0).</summary>
    public static long Max(ReadOnlySpan<long> slots)
    {
        long max = 0;
        foreach (var v in slots)
        {
            if (v > max)
                max = v;
        }
        return max;
    }

    /// <summary>
    /// min: bpftrace stores min as a max of <c>0xffffffff - value</c> (so an untouched slot, 0, never wins)
    /// and prints <c>0xffffffff - max(slots)</c>. Pass the slots as stored.
    /// </summary>
    public static long MinFromInverted(ReadOnlySpan<long> storedSlots) => 0xffffffffL - Max(storedSlots);

    /// <summary>hist/lhist: the bucket-wise sum of several CPUs' bucket arrays (all of one length).</summary>
    public static long[] SumBuckets(IReadOnlyList<long[]> perCpuBuckets)
    {
        if (perCpuBuckets.Count == 0)
            return [];
        var sum = new long[perCpuBuckets[0].Length];
        foreach (var cpu in perCpuBuckets)
        {
            for (int i = 0; i < sum.Length && i < cpu.Length; i++)
                sum[i] += cpu[i];
        }
        return sum;
    }
}
