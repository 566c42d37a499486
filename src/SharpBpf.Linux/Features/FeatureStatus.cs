namespace SharpBpf.Linux.Features;

/// <summary>What a feature probe found.</summary>
public enum FeatureStatus
{
    /// <summary>The kernel loaded or created the probe, or answered in a way only a kernel with the feature answers.</summary>
    Supported,

    /// <summary>The kernel does not have the feature: it rejected the probe as unknown, or the feature is compiled out.</summary>
    NotSupported,

    /// <summary>
    /// The kernel has the feature but refused to use it here (EPERM to a privileged process, after
    /// the kernel's own type checks): a security policy or sandbox forbids it.
    /// </summary>
    Denied,

    /// <summary>No probe could decide (an unexpected errno, or no safe probe exists); <see cref="FeatureProbeResult.Detail"/> says why.</summary>
    Unknown,
}
