using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Attach;

public abstract partial class Link
{
    // BPF_LINK_CREATE with BPF_PERF_EVENT: Linux 5.15 ("bpf: Implement minimal BPF perf link").
    private static readonly Version PerfLinkVersion = new(5, 15);

    /// <summary>
    /// Attaches a perf_event program to sampling events: one perf event per CPU (or on the CPUs
    /// given), for every task or one, sampled at a frequency or period; a bpf_link on each. One CPU
    /// gives one link, several a <see cref="LinkGroup"/>.
    /// </summary>
    public static Link PerfEvent(KernelProgram program, PerfEventOptions options)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(options);
        if (options.SampleFrequency != 0 && options.SamplePeriod != 0)
            throw new ArgumentException("give a sample frequency or a sample period, not both", nameof(options));
        var cpus = options.Cpus ?? LinuxKernel.OnlineCpus();
        string what = $"perf event {PerfEventNames.Describe(options.Type, options.Config)}";
        var links = new List<Link>(cpus.Count);
        try
        {
            foreach (int cpu in cpus)
            {
                var attr = new PerfEventAttr { Type = (uint)options.Type, Config = options.Config };
                if (options.SampleFrequency != 0)
                {
                    attr.Freq = true;
                    attr.SampleFreq = options.SampleFrequency;
                }
                else
                {
                    attr.SamplePeriod = options.SamplePeriod != 0 ? options.SamplePeriod : 1;
                }
                string target = $"{what} on cpu {cpu}";
                BpfFileDescriptor fd;
                try
                {
                    fd = PerfEvents.Open(ref attr, options.Pid, cpu, "perf_event_open");
                }
                catch (BpfException e)
                {
                    throw e.WithContext(AttachContext(program, target));
                }
                links.Add(AttachPerfEvent(program, fd, null, target, options.Cookie, options.Mode));
            }
        }
        catch
        {
            foreach (var l in links)
                l.Dispose();
            throw;
        }
        return links.Count == 1 ? links[0] : new LinkGroup(links, what, links.Count > 0 ? links[0].ProgramId : 0);
    }

    /// <summary>
    /// Attaches <paramref name="program"/> to an open perf event (taking ownership of the fd, and of
    /// <paramref name="probe"/>): a bpf_link where the kernel has one (or as asked), else the ioctl;
    /// then enables the event. On failure the event and probe are released.
    /// </summary>
    private static PerfEventLink AttachPerfEvent(KernelProgram program, BpfFileDescriptor perfEvent, TracefsProbe? probe,
        string target, ulong cookie, PerfEventAttachMode mode)
    {
        KernelLink? link = null;
        try
        {
            uint programId = program.Id;
            if (mode != PerfEventAttachMode.Ioctl)
            {
                try
                {
                    link = CreatePerfLink(program, perfEvent, cookie);
                }
                catch (BpfException e) when (mode == PerfEventAttachMode.Auto && e.Errno == Errno.EINVAL && LinuxKernel.Version < PerfLinkVersion)
                {
                    // Before 5.15 BPF_LINK_CREATE knows no BPF_PERF_EVENT: the ioctl is the way.
                }
                catch (BpfException e) when (e.Errno == Errno.EINVAL && LinuxKernel.Version < PerfLinkVersion)
                {
                    throw new BpfNotSupportedException("bpf_link on a perf event (BPF_PERF_EVENT)", PerfLinkVersion, BpfCommand.LinkCreate, e.Errno);
                }
            }
            if (link is null)
            {
                if (cookie != 0)
                    throw new BpfNotSupportedException("a BPF cookie on a perf event attached by ioctl", null);
                PerfEvents.SetBpf(perfEvent, program.Fd);
            }
            PerfEvents.Enable(perfEvent);
            return new PerfEventLink(perfEvent, link, probe, target, programId);
        }
        catch (BpfException e)
        {
            link?.Dispose();
            perfEvent.Dispose();
            probe?.Dispose();
            throw e.WithContext(AttachContext(program, target));
        }
        catch
        {
            link?.Dispose();
            perfEvent.Dispose();
            probe?.Dispose();
            throw;
        }
    }

    private static KernelLink CreatePerfLink(KernelProgram program, BpfFileDescriptor perfEvent, ulong cookie)
    {
        using var p = program.Fd.Acquire();
        using var e = perfEvent.Acquire();
        var attr = new LinkCreateAttr
        {
            ProgFd = p.Fd,
            TargetFd = e.Fd,
            AttachType = (uint)AttachType.PerfEvent,
            PerfEventBpfCookie = cookie,
        };
        return KernelLink.FromFd(Sys.BpfFd(BpfCommand.LinkCreate, ref attr));
    }
}
