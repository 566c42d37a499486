using SharpBpf.Linux.Netlink;

namespace SharpBpf.Linux.Attach;

/// <summary>
/// A sched_cls program as a direct-action cls_bpf filter under the clsact qdisc, the tc attachment
/// of kernels without tcx (before 6.6). Not a bpf_link: Dispose deletes the filter over rtnetlink,
/// then the clsact qdisc if this attachment added it and no filter is left under it. The netlink
/// socket is kept so the filter is removed in the network namespace it was added in.
/// </summary>
internal sealed class TcClassifierLink : Link
{
    private readonly RtNetlinkSocket _socket;
    private readonly bool _ownsQdisc;

    public TcClassifierLink(RtNetlinkSocket socket, int ifindex, bool ingress, uint handle, ushort priority, bool ownsQdisc,
        string target, uint programId)
        : base(target, programId)
    {
        _socket = socket;
        Ifindex = ifindex;
        Ingress = ingress;
        Handle = handle;
        Priority = priority;
        _ownsQdisc = ownsQdisc;
    }

    /// <summary>The interface.</summary>
    public int Ifindex { get; }

    /// <summary>Ingress or egress hook.</summary>
    public bool Ingress { get; }

    /// <summary>The filter's handle.</summary>
    public uint Handle { get; }

    /// <summary>The filter's priority.</summary>
    public ushort Priority { get; }

    /// <inheritdoc/>
    public override KernelLink? KernelLink => null;

    private protected override void Detach()
    {
        try
        {
            try
            {
                TrafficControl.DeleteFilter(_socket, Ifindex, TrafficControl.Parent(Ingress), Handle, Priority);
            }
            catch (BpfException e) when (e.Errno is Errno.ENODEV or Errno.ENOENT or Errno.EINVAL)
            {
                // The interface, the qdisc or the filter is gone already: nothing is attached.
                return;
            }
            if (_ownsQdisc &&
                TrafficControl.CountFilters(_socket, Ifindex, TrafficControl.Parent(ingress: true)) == 0 &&
                TrafficControl.CountFilters(_socket, Ifindex, TrafficControl.Parent(ingress: false)) == 0)
            {
                try
                {
                    TrafficControl.DeleteClsact(_socket, Ifindex);
                }
                catch (BpfException e) when (e.Errno is Errno.ENODEV or Errno.ENOENT or Errno.EINVAL)
                {
                }
            }
        }
        finally
        {
            _socket.Dispose();
        }
    }
}
