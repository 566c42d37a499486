namespace SharpBpf.Linux.Features;

/// <summary>
/// One probe's answer: what was asked (<see cref="Feature"/>), how (<see cref="Method"/>), what the
/// kernel said (<see cref="Errno"/>, <see cref="Detail"/>) and what it means (<see cref="Status"/>),
/// beside the feature's <see cref="Requirement"/>, so that a "not supported" on a kernel that must
/// have the feature shows as <see cref="IsProbeFailure"/> instead of passing for a missing feature.
/// </summary>
public sealed class FeatureProbeResult
{
    internal FeatureProbeResult(FeatureKind kind, string name, string feature, FeatureStatus status, string method,
        string? detail, Errno errno, FeatureRequirement requirement)
    {
        Kind = kind;
        Name = name;
        Feature = feature;
        Status = status;
        Method = method;
        Detail = detail;
        Errno = errno;
        Requirement = requirement;
        IsExpected = requirement.IsMetBy(LinuxKernel.Version, KernelConfig.Current);
    }

    /// <summary>The section the feature belongs to.</summary>
    public FeatureKind Kind { get; }

    /// <summary>The kernel's name of the feature: <c>xdp</c>, <c>ringbuf</c>, <c>tcx_ingress</c>, <c>bpf_loop</c>, <c>bounded_loops</c>.</summary>
    public string Name { get; }

    /// <summary>What was probed, in words: "program type xdp", "helper bpf_loop for xdp programs".</summary>
    public string Feature { get; }

    /// <summary>The answer.</summary>
    public FeatureStatus Status { get; }

    /// <summary>Whether the feature is there and usable.</summary>
    public bool IsSupported => Status == FeatureStatus.Supported;

    /// <summary>How the probe asked: the command, the program or map, and the answer it counts as "supported".</summary>
    public string Method { get; }

    /// <summary>What the kernel answered when it did not simply succeed: errno, the verifier's reason, or why no probe could decide.</summary>
    public string? Detail { get; }

    /// <summary>The errno of the probe's last call (<see cref="Errno.None"/> when it succeeded).</summary>
    public Errno Errno { get; }

    /// <summary>The first kernel with the feature and the options it needs.</summary>
    public FeatureRequirement Requirement { get; }

    /// <summary>Whether this kernel (version and configuration) must have the feature.</summary>
    public bool IsExpected { get; }

    /// <summary>
    /// The probe says "not supported" (or cannot tell) on a kernel that must have the feature: the
    /// probe is wrong, not the kernel. A refusal (<see cref="FeatureStatus.Denied"/>) is not a
    /// failure: the kernel proved it has the feature before it refused.
    /// </summary>
    public bool IsProbeFailure => IsExpected && Status is FeatureStatus.NotSupported or FeatureStatus.Unknown;

    /// <summary>
    /// Throws <see cref="BpfNotSupportedException"/> naming the feature and the first kernel that has
    /// it unless the feature is supported.
    /// </summary>
    public void ThrowIfNotSupported()
    {
        if (Status == FeatureStatus.Supported)
            return;
        string feature = Status switch
        {
            FeatureStatus.Denied => $"{Feature} (refused here: {Detail})",
            FeatureStatus.Unknown => $"{Feature} (could not be probed: {Detail})",
            _ when Requirement.MinimumKernel is not null && LinuxKernel.Version >= Requirement.MinimumKernel && Requirement.RequiredConfig.Count > 0
                => $"{Feature} (needs {string.Join(", ", Requirement.RequiredConfig)})",
            _ => Feature,
        };
        var minimum = Requirement.MinimumKernel is { } m && LinuxKernel.Version < m ? m : null;
        throw new BpfNotSupportedException(feature, minimum, null, Errno);
    }

    /// <inheritdoc/>
    public override string ToString() => Detail is null ? $"{Feature}: {Status}" : $"{Feature}: {Status} ({Detail})";
}
