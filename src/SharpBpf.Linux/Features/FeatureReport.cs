namespace SharpBpf.Linux.Features;

/// <summary>Everything <c>feature probe</c> prints: one probe run over every known feature.</summary>
public sealed class FeatureReport
{
    internal FeatureReport(SystemSettings settings, KernelConfig? config, string? configProblem, bool haveBpfSyscall,
        IReadOnlyList<FeatureProbeResult> programTypes, IReadOnlyList<FeatureProbeResult> mapTypes,
        IReadOnlyList<FeatureProbeResult> attachTypes, IReadOnlyList<HelperSupport> helpers, IReadOnlyList<FeatureProbeResult> misc,
        bool includesNoisyHelpers, TimeSpan elapsed)
    {
        Settings = settings;
        Config = config;
        ConfigProblem = configProblem;
        HaveBpfSyscall = haveBpfSyscall;
        ProgramTypes = programTypes;
        MapTypes = mapTypes;
        AttachTypes = attachTypes;
        Helpers = helpers;
        Misc = misc;
        IncludesNoisyHelpers = includesNoisyHelpers;
        Elapsed = elapsed;
    }

    /// <summary>The sysctls of bpf(2) and the JIT.</summary>
    public SystemSettings Settings { get; }

    /// <summary>The kernel's build configuration, or null (see <see cref="ConfigProblem"/>).</summary>
    public KernelConfig? Config { get; }

    /// <summary>Why <see cref="Config"/> is null.</summary>
    public string? ConfigProblem { get; }

    /// <summary>Whether bpf(2) exists; when not, nothing else was probed.</summary>
    public bool HaveBpfSyscall { get; }

    /// <summary>Every program type, in enum order.</summary>
    public IReadOnlyList<FeatureProbeResult> ProgramTypes { get; }

    /// <summary>Every map type, in enum order.</summary>
    public IReadOnlyList<FeatureProbeResult> MapTypes { get; }

    /// <summary>Every attach type, in enum order.</summary>
    public IReadOnlyList<FeatureProbeResult> AttachTypes { get; }

    /// <summary>The helpers of every program type, in enum order.</summary>
    public IReadOnlyList<HelperSupport> Helpers { get; }

    /// <summary>The miscellaneous features.</summary>
    public IReadOnlyList<FeatureProbeResult> Misc { get; }

    /// <summary>Whether the helpers that write to the kernel log were probed too.</summary>
    public bool IncludesNoisyHelpers { get; }

    /// <summary>How long the probes took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Every result that says "not supported" where this kernel must have the feature.</summary>
    public IEnumerable<FeatureProbeResult> ProbeFailures =>
        ProgramTypes.Concat(MapTypes).Concat(AttachTypes).Concat(Misc).Where(r => r.IsProbeFailure);
}
