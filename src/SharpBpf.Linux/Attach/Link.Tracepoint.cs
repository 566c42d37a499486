using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Attach;

public abstract partial class Link
{
    /// <summary>
    /// Attaches a tracepoint program to <paramref name="category"/>/<paramref name="name"/>
    /// (tracefs events/CATEGORY/NAME): a perf event on the tracepoint's id with the program on it,
    /// through a bpf_link where the kernel has one (5.15) or PERF_EVENT_IOC_SET_BPF.
    /// </summary>
    public static Link Tracepoint(KernelProgram program, string category, string name, TracepointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(category);
        ArgumentNullException.ThrowIfNull(name);
        options ??= new TracepointOptions();
        string target = $"tracepoint {category}/{name}";
        BpfFileDescriptor perfEvent;
        try
        {
            perfEvent = PerfEvents.OpenTracepoint(Tracefs.EventId(category, name));
        }
        catch (BpfException e)
        {
            throw e.WithContext(AttachContext(program, target));
        }
        return AttachPerfEvent(program, perfEvent, null, target, options.Cookie, options.Mode);
    }

    /// <summary>
    /// Attaches a raw_tracepoint (or raw_tracepoint.w) program to the tracepoint
    /// <paramref name="name"/> ("sys_enter", "sched_switch"): BPF_RAW_TRACEPOINT_OPEN, a bpf_link.
    /// </summary>
    public static unsafe Link RawTracepoint(KernelProgram program, string name, ulong cookie = 0)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(name);
        string target = $"raw_tracepoint {name}";
        try
        {
            using var p = program.Fd.Acquire();
            fixed (byte* n = Sys.Utf8Z(name))
            {
                var attr = new RawTracepointOpenAttr { Name = Sys.Pointer(n), ProgFd = p.Fd, Cookie = cookie };
                var link = KernelLink.FromFd(Sys.BpfFd(BpfCommand.RawTracepointOpen, ref attr));
                return new FdLink(link, target, program.Id);
            }
        }
        catch (BpfException e)
        {
            throw e.WithContext(AttachContext(program, target));
        }
    }

    /// <summary>
    /// Attaches a BTF-typed program where its load put it (the attach BTF id it was loaded with):
    /// tp_btf (<see cref="AttachType.TraceRawTp"/>), fentry, fexit, fmod_ret, lsm, iter;
    /// <paramref name="attachType"/> is the program's expected attach type, which BPF_LINK_CREATE
    /// must repeat. Kernels without BPF trampolines refuse fentry/fexit/fmod_ret/lsm with EPERM
    /// or ENOTSUPP: that is a <see cref="BpfNotSupportedException"/>.
    /// </summary>
    public static unsafe Link Tracing(KernelProgram program, AttachType attachType, ulong cookie = 0)
    {
        ArgumentNullException.ThrowIfNull(program);
        string target = $"{TypeName(attachType)} hook";
        try
        {
            using var p = program.Fd.Acquire();
            var attr = new LinkCreateAttr { ProgFd = p.Fd, AttachType = (uint)attachType, TracingCookie = cookie };
            try
            {
                return new FdLink(KernelLink.FromFd(Sys.BpfFd(BpfCommand.LinkCreate, ref attr)), target, program.Id);
            }
            catch (BpfException e) when (e.Errno == Errno.EINVAL && LinuxKernel.Version < TracingLinkVersion && cookie == 0)
            {
                // Before 5.10 tracing programs attach by BPF_RAW_TRACEPOINT_OPEN with no name.
                var raw = new RawTracepointOpenAttr { ProgFd = p.Fd };
                return new FdLink(KernelLink.FromFd(Sys.BpfFd(BpfCommand.RawTracepointOpen, ref raw)), target, program.Id);
            }
            catch (BpfException e) when (e.Errno == Errno.EPERM && IsTrampoline(attachType))
            {
                throw BpfNotSupportedException.WithReason(TypeName(attachType),
                    "the kernel refused to attach the BPF trampoline with EPERM",
                    BpfCommand.LinkCreate, e.Errno);
            }
        }
        catch (BpfException e)
        {
            throw e.WithContext(AttachContext(program, target));
        }
    }

    // BPF_LINK_CREATE for tracing programs: kernel 5.10 (bpf: Support attaching freplace programs to multiple attach points).
    private static readonly Version TracingLinkVersion = new(5, 10);

    private static bool IsTrampoline(AttachType type) =>
        type is AttachType.TraceFentry or AttachType.TraceFexit or AttachType.ModifyReturn or AttachType.LsmMac or AttachType.LsmCgroup;
}
