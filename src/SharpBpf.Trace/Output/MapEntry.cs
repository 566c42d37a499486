namespace SharpBpf.Trace.Output;

/// <summary>
/// One key of a <see cref="MapSnapshot"/> with its value already folded across CPUs. Which members
/// are meaningful depends on the map's value type: <see cref="Value"/> for count/sum/min/max,
/// <see cref="Count"/> and <see cref="Total"/> for avg/stats, <see cref="Buckets"/> for hist/lhist,
/// <see cref="Raw"/> for plain values (integers, strings, tuples, symbols, ...).
/// </summary>
public sealed class MapEntry
{
    internal MapEntry(byte[] key, long value, long count, long total, long[]? buckets, byte[]? raw)
    {
        Key = key;
        Value = value;
        Count = count;
        Total = total;
        Buckets = buckets;
        Raw = raw;
    }

    /// <summary>The key's bytes as the kernel map stores them (the key types' bytes back to back; empty for <c>@x</c>).</summary>
    public byte[] Key { get; }

    /// <summary>count, sum, min or max.</summary>
    public long Value { get; }

    /// <summary>avg/stats: how many values.</summary>
    public long Count { get; }

    /// <summary>avg/stats: their sum.</summary>
    public long Total { get; }

    /// <summary>
    /// hist: 65 counts, index 0 for negative values, 1 for 0, 2 for 1, i for [2^(i-2), 2^(i-1));
    /// lhist: (max - min) / step + 2 counts, index 0 below min, the last at or above max.
    /// </summary>
    public long[]? Buckets { get; }

    /// <summary>A plain value's bytes, laid out as its type says.</summary>
    public byte[]? Raw { get; }

    /// <summary>avg/stats' average with C's truncating division (bpftrace: total / count, 0 when empty).</summary>
    public long Average => Count == 0 ? 0 : Total / Count;

    internal long BucketTotal()
    {
        long sum = 0;
        foreach (var b in Buckets!)
            sum += b;
        return sum;
    }
}
