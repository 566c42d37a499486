namespace SharpBpf.Linux.Features;

/// <summary>
/// When a kernel has a feature: from <see cref="MinimumKernel"/> on, if every option of
/// <see cref="RequiredConfig"/> is built in or a module. A probe that says "not supported" on a
/// kernel meeting both is a probe failure (<see cref="FeatureProbeResult.IsProbeFailure"/>).
/// </summary>
/// <param name="MinimumKernel">The first Linux release with the feature, or null when unknown.</param>
/// <param name="RequiredConfig">The kernel options the feature is compiled under (include/linux/bpf_types.h and the feature's Makefile).</param>
public sealed record FeatureRequirement(Version? MinimumKernel, IReadOnlyList<string> RequiredConfig)
{
    /// <summary>A feature of every kernel since <paramref name="minimumKernel"/>, with the options it needs.</summary>
    public FeatureRequirement(Version? minimumKernel, params string[] requiredConfig)
        : this(minimumKernel, (IReadOnlyList<string>)requiredConfig)
    {
    }

    /// <summary>No known version and no options: nothing to check a probe against.</summary>
    public static FeatureRequirement Unknown { get; } = new((Version?)null);

    /// <summary>
    /// Whether a kernel of <paramref name="version"/> with <paramref name="config"/> must have the
    /// feature: false when the version is unknown, older than <see cref="MinimumKernel"/>, or an
    /// option is unset; also false when options are required and the configuration is unreadable.
    /// </summary>
    public bool IsMetBy(Version version, KernelConfig? config)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (MinimumKernel is null || version < MinimumKernel)
            return false;
        if (RequiredConfig.Count == 0)
            return true;
        if (config is null)
            return false;
        foreach (var option in RequiredConfig)
        {
            if (!config.IsEnabled(option))
                return false;
        }
        return true;
    }

    /// <summary>The options of <see cref="RequiredConfig"/> that <paramref name="config"/> leaves unset.</summary>
    public IEnumerable<string> MissingConfig(KernelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var option in RequiredConfig)
        {
            if (!config.IsEnabled(option))
                yield return option;
        }
    }
}
