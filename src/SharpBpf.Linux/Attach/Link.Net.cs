using System.Globalization;
using SharpBpf.Core;
using SharpBpf.Linux.Native;
using SharpBpf.Linux.Netlink;

namespace SharpBpf.Linux.Attach;

public abstract partial class Link
{
    private static readonly Version TcxVersion = new(6, 6);

    /// <summary>
    /// Attaches an XDP program to interface <paramref name="ifindex"/> (in the calling thread's
    /// network namespace): BPF_LINK_CREATE with BPF_XDP (5.9), generic, native or the driver's default.
    /// </summary>
    public static Link Xdp(KernelProgram program, int ifindex, XdpAttachMode mode = XdpAttachMode.Default)
    {
        ArgumentNullException.ThrowIfNull(program);
        string target = string.Create(CultureInfo.InvariantCulture, $"xdp{ModeSuffix(mode)} on ifindex {ifindex}");
        try
        {
            using var p = program.Fd.Acquire();
            var attr = new LinkCreateAttr { ProgFd = p.Fd, TargetIfindex = (uint)ifindex, AttachType = (uint)AttachType.Xdp, Flags = (uint)mode };
            return new FdLink(KernelLink.FromFd(Sys.BpfFd(BpfCommand.LinkCreate, ref attr)), target, program.Id);
        }
        catch (BpfException e)
        {
            throw e.WithContext(AttachContext(program, target));
        }
    }

    /// <summary>Attaches an XDP program to the interface called <paramref name="interfaceName"/>.</summary>
    public static Link Xdp(KernelProgram program, string interfaceName, XdpAttachMode mode = XdpAttachMode.Default) =>
        Xdp(program, NetDevice.IndexOf(interfaceName), mode);

    /// <summary>
    /// Attaches a sched_cls program to the tcx ingress or egress hook of <paramref name="ifindex"/>
    /// (<paramref name="attachType"/> <see cref="AttachType.TcxIngress"/> or <see cref="AttachType.TcxEgress"/>):
    /// BPF_LINK_CREATE, a bpf_link of type tcx (6.6), placed by <see cref="TcxOptions.Anchor"/>.
    /// </summary>
    public static Link Tcx(KernelProgram program, int ifindex, AttachType attachType, TcxOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        bool ingress = IsIngress(attachType);
        options ??= new TcxOptions();
        string target = string.Create(CultureInfo.InvariantCulture, $"tcx {(ingress ? "ingress" : "egress")} on ifindex {ifindex}");
        try
        {
            using var p = program.Fd.Acquire();
            var relative = options.Anchor?.RelativeFd;
            using var r = relative is null ? default : relative.Acquire();
            var attr = new LinkCreateAttr
            {
                ProgFd = p.Fd,
                TargetIfindex = (uint)ifindex,
                AttachType = (uint)attachType,
                Flags = options.Anchor?.Flags ?? 0,
                TcxExpectedRevision = options.ExpectedRevision,
            };
            if (relative is not null)
                attr.TcxRelativeFd = r.Fd;
            else if (options.Anchor is { Id: > 0 } anchor)
                attr.TcxRelativeId = anchor.Id;
            try
            {
                return new FdLink(KernelLink.FromFd(Sys.BpfFd(BpfCommand.LinkCreate, ref attr)), target, program.Id);
            }
            catch (BpfException e) when (e.Errno == Errno.EINVAL && LinuxKernel.Version < TcxVersion)
            {
                throw new BpfNotSupportedException("tcx links", TcxVersion, BpfCommand.LinkCreate, e.Errno);
            }
        }
        catch (BpfException e)
        {
            throw e.WithContext(AttachContext(program, target));
        }
    }

    /// <summary>
    /// Attaches a sched_cls program as a direct-action "bpf" filter on the clsact qdisc's ingress or
    /// egress hook of <paramref name="ifindex"/>, over rtnetlink as `tc filter add ... bpf da` (adding
    /// the qdisc when it is missing). For kernels without tcx; not a bpf_link, so not pinnable.
    /// </summary>
    public static Link TcClassifier(KernelProgram program, int ifindex, AttachType attachType, TcClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        bool ingress = IsIngress(attachType);
        options ??= new TcClassifierOptions();
        string target = string.Create(CultureInfo.InvariantCulture, $"tc {(ingress ? "ingress" : "egress")} on ifindex {ifindex}");
        RtNetlinkSocket? socket = null;
        bool ownsQdisc = false;
        try
        {
            var info = program.GetInfo();
            socket = RtNetlinkSocket.Open();
            ownsQdisc = TrafficControl.CreateClsact(socket, ifindex);
            using var p = program.Fd.Acquire();
            // libbpf's bpf_tc_attach names the filter "NAME:[ID]", which `tc filter show` prints.
            string name = string.Create(CultureInfo.InvariantCulture, $"{info.Name}:[{info.Id}]");
            var (handle, priority) = TrafficControl.AddBpfFilter(socket, ifindex, TrafficControl.Parent(ingress), p.Value, name,
                options.Handle, options.Priority);
            var link = new TcClassifierLink(socket, ifindex, ingress, handle, priority, ownsQdisc,
                string.Create(CultureInfo.InvariantCulture, $"{target} (pref {priority} handle 0x{handle:x})"), info.Id);
            socket = null;
            return link;
        }
        catch (BpfException e)
        {
            if (socket is not null && ownsQdisc)
            {
                try
                {
                    TrafficControl.DeleteClsact(socket, ifindex);
                }
                catch (BpfException)
                {
                }
            }
            throw e.WithContext(AttachContext(program, target));
        }
        finally
        {
            socket?.Dispose();
        }
    }

    /// <summary>
    /// Attaches a sched_cls program to the ingress or egress of <paramref name="ifindex"/> the best
    /// way the kernel has: a tcx link (6.6), else a cls_bpf filter on clsact (<see cref="TcClassifier"/>).
    /// </summary>
    public static Link Tc(KernelProgram program, int ifindex, AttachType attachType)
    {
        if (LinuxKernel.Version >= TcxVersion)
            return Tcx(program, ifindex, attachType);
        return TcClassifier(program, ifindex, attachType);
    }

    private static bool IsIngress(AttachType attachType) => attachType switch
    {
        AttachType.TcxIngress => true,
        AttachType.TcxEgress => false,
        _ => throw new ArgumentException($"a tc hook is tcx_ingress or tcx_egress, not {TypeName(attachType)}", nameof(attachType)),
    };

    private static string ModeSuffix(XdpAttachMode mode) => mode switch
    {
        XdpAttachMode.Generic => "generic",
        XdpAttachMode.Native => "drv",
        XdpAttachMode.Offload => "offload",
        _ => "",
    };
}
