namespace SharpBpf.Linux.Attach;

/// <summary>An attachment that is a bpf_link and nothing more (raw tracepoint, tracing, XDP, tcx, cgroup, uprobe_multi).</summary>
internal sealed class FdLink(KernelLink link, string target, uint programId) : Link(target, programId)
{
    /// <inheritdoc/>
    public override KernelLink KernelLink { get; } = link;

    private protected override void Detach() => KernelLink.Dispose();
}
