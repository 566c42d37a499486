namespace SharpBpf.Linux.Attach;

/// <summary>Options of <see cref="Link.TcClassifier"/>: the filter's identity under the clsact hook.</summary>
public sealed class TcClassifierOptions
{
    /// <summary>The filter's priority (tc "pref"); 0 lets the kernel choose.</summary>
    public ushort Priority { get; init; }

    /// <summary>The filter's handle; 0 lets the kernel choose.</summary>
    public uint Handle { get; init; }
}
