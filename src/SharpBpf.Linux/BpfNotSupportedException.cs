using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>
/// The running kernel lacks a feature: names the feature and, when known, the first kernel that
/// has it ("map type ringbuf is not supported by Linux 5.4 (needs 5.8)"). Feature probes throw it;
/// a probe that says "not supported" on a kernel at least <see cref="MinimumKernel"/> is a bug.
/// </summary>
public class BpfNotSupportedException : BpfException
{
    /// <summary>A missing feature, with the first kernel that has it if known.</summary>
    public BpfNotSupportedException(string feature, Version? minimumKernel)
        : this(feature, minimumKernel, null, Errno.None)
    {
    }

    /// <summary>A missing feature found through a failed command.</summary>
    public BpfNotSupportedException(string feature, Version? minimumKernel, BpfCommand? command, Errno errno)
        : this(Explain(feature, minimumKernel, errno), feature, minimumKernel, command, errno, [], null)
    {
    }

    private BpfNotSupportedException(string detail, string feature, Version? minimumKernel, BpfCommand? command, Errno errno,
        string[] context, Exception? innerException)
        : base(detail, command, errno, context, innerException)
    {
        Feature = feature;
        MinimumKernel = minimumKernel;
    }

    /// <summary>
    /// A missing feature with the reason the kernel gave, in words: "kprobes is not supported: this
    /// kernel has no kprobe PMU ...", for what no version number explains (a configuration, a refusal).
    /// </summary>
    internal static BpfNotSupportedException WithReason(string feature, string reason, BpfCommand? command = null, Errno errno = Errno.None) =>
        new($"{feature} is not supported: {reason}", feature, null, command, errno, [], null);

    /// <summary>What is missing ("map type ringbuf", "BPF_LINK_CREATE", "batch operations on queue maps").</summary>
    public string Feature { get; }

    /// <summary>The first Linux version with the feature, or null when no version has it for this case.</summary>
    public Version? MinimumKernel { get; }

    /// <inheritdoc/>
    protected override BpfException Rewrap(string[] context) =>
        new BpfNotSupportedException(Detail, Feature, MinimumKernel, Command, Errno, context, this);

    private static string Explain(string feature, Version? minimumKernel, Errno errno)
    {
        if (minimumKernel is not null)
            return $"{feature} is not supported by Linux {LinuxKernel.Version.ToString(2)} (needs {minimumKernel.ToString(2)})";
        return errno == Errno.None ? $"{feature} is not supported" : $"{feature} is not supported: {Describe(errno)}";
    }
}
