using SharpBpf.Core;

namespace SharpBpf.Linux.Features;

/// <summary>
/// Which helpers programs of one type may call on this kernel (bpftool's "eBPF helpers supported
/// for program type ..."), or why that could not be determined.
/// </summary>
public sealed class HelperSupport
{
    private readonly int[] _helpers;

    internal HelperSupport(ProgramType programType, FeatureStatus status, string method, string? detail,
        int[] helpers, int[] unknownToKernel, bool includesNoisy)
    {
        ProgramType = programType;
        Status = status;
        Method = method;
        Detail = detail;
        _helpers = helpers;
        UnknownToKernel = unknownToKernel;
        IncludesNoisyHelpers = includesNoisy;
    }

    /// <summary>The program type.</summary>
    public ProgramType ProgramType { get; }

    /// <summary>
    /// <see cref="FeatureStatus.Supported"/> when the helpers were probed;
    /// <see cref="FeatureStatus.NotSupported"/> when the program type is missing;
    /// <see cref="FeatureStatus.Denied"/> or <see cref="FeatureStatus.Unknown"/> when no program of the type could be loaded to ask.
    /// </summary>
    public FeatureStatus Status { get; }

    /// <summary>How the helpers were probed.</summary>
    public string Method { get; }

    /// <summary>Why the helpers could not be determined, or what was odd.</summary>
    public string? Detail { get; }

    /// <summary>The ids of the helpers the type may call, ascending.</summary>
    public IReadOnlyList<int> Helpers => _helpers;

    /// <summary>Helper ids the kernel does not know at all ("invalid func unknown#N").</summary>
    public IReadOnlyList<int> UnknownToKernel { get; }

    /// <summary>Whether bpf_trace_printk, bpf_trace_vprintk and bpf_probe_write_user were probed (bpftool's <c>full</c>).</summary>
    public bool IncludesNoisyHelpers { get; }

    /// <summary>Whether the type may call helper <paramref name="helperId"/>.</summary>
    public bool Includes(int helperId) => Array.BinarySearch(_helpers, helperId) >= 0;
}
