namespace SharpBpf.Linux.Attach;

/// <summary>What <see cref="Link.AutoAttach"/> needs beyond the section name.</summary>
public sealed class AutoAttachOptions
{
    /// <summary>A cgroup v2 directory for cgroup programs (which libbpf does not auto-attach); null leaves them unattached.</summary>
    public string? Cgroup { get; init; }
}
