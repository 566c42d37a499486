namespace SharpBpf.Linux.Features;

/// <summary>The three layouts of <c>bpftool feature probe</c>.</summary>
public enum FeatureOutputFormat
{
    /// <summary>Plain text ("eBPF program_type xdp is available").</summary>
    Plain,
    /// <summary>C macros (<c>macros [prefix PREFIX]</c>).</summary>
    Macros,
    /// <summary>JSON (<c>-j</c>, <c>-p</c>).</summary>
    Json,
}
