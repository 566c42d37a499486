namespace SharpBpf.Linux.Attach;

/// <summary>
/// A program on a perf event (tracepoint, kprobe, uprobe, sampling event): either through a bpf_link
/// of type perf_event (BPF_LINK_CREATE with BPF_PERF_EVENT, 5.15), which can be pinned, or through
/// the legacy PERF_EVENT_IOC_SET_BPF, which lasts as long as the perf event's fd. Owns the perf
/// event's fd (closing it after the link, as libbpf's bpf_link_perf_detach) and, for probes made
/// through tracefs, the probe definition.
/// </summary>
internal sealed class PerfEventLink : Link
{
    private readonly BpfFileDescriptor _event;
    private readonly TracefsProbe? _probe;

    public PerfEventLink(BpfFileDescriptor perfEvent, KernelLink? link, TracefsProbe? probe, string target, uint programId)
        : base(target, programId)
    {
        _event = perfEvent;
        KernelLink = link;
        _probe = probe;
    }

    /// <inheritdoc/>
    public override KernelLink? KernelLink { get; }

    /// <summary>The perf event's file descriptor.</summary>
    public BpfFileDescriptor PerfEventFd => _event;

    private protected override void Detach()
    {
        if (KernelLink is { } link)
        {
            link.Dispose();
        }
        else if (!_event.IsClosed)
        {
            // libbpf: disable before close, so the program stops before the event is torn down.
            PerfEvents.Disable(_event);
        }
        _event.Dispose();
        // A pinned link still holds the probe: its definition stays until the link ends.
        if (KernelLink?.PinnedPath is null)
            _probe?.Dispose();
    }
}
