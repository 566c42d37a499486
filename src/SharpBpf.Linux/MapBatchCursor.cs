namespace SharpBpf.Linux;

/// <summary>
/// Where a batch lookup over a map continues: the kernel's opaque in_batch/out_batch token
/// (a bucket index for hash maps, a key for arrays). Start with a new cursor; after the last batch
/// <see cref="IsDone"/> is true. A cursor belongs to one map.
/// </summary>
public sealed class MapBatchCursor
{
    internal byte[]? Token { get; set; }

    internal KernelMap? Map { get; set; }

    /// <summary>True once the kernel has returned the last elements.</summary>
    public bool IsDone { get; internal set; }
}
