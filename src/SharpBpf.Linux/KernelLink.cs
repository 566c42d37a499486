using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>
/// A bpf_link: an attachment of a program that lasts while its fd (or a pin) is open, as cilium/ebpf's
/// link.Link. Dispose closes the fd, which detaches unless the link is pinned. The attach code
/// creates links (BPF_LINK_CREATE, BPF_RAW_TRACEPOINT_OPEN) through <see cref="FromFd"/>.
/// </summary>
public sealed unsafe class KernelLink : IDisposable
{
    // include/uapi/linux/bpf.h: BPF_F_REPLACE, for BPF_LINK_UPDATE with old_prog_fd.
    private const uint FlagReplace = 1u << 2;

    private KernelLink(BpfFileDescriptor fd, LinkType type, uint id)
    {
        Fd = fd;
        Type = type;
        Id = id;
    }

    /// <summary>The link's file descriptor.</summary>
    public BpfFileDescriptor Fd { get; }

    /// <summary>The link type.</summary>
    public LinkType Type { get; }

    /// <summary>The link's id in the kernel.</summary>
    public uint Id { get; }

    /// <summary>Where this link is pinned, if <see cref="Pin"/> or <see cref="OpenPinned"/> said.</summary>
    public string? PinnedPath { get; private set; }

    /// <summary>Wraps an open link fd (taking ownership), reading its type and id from the kernel.</summary>
    public static KernelLink FromFd(BpfFileDescriptor fd)
    {
        ArgumentNullException.ThrowIfNull(fd);
        var info = default(BpfLinkInfo);
        Sys.ObjGetInfo(fd, ref info);
        return new KernelLink(fd, (LinkType)info.Type, info.Id);
    }

    /// <summary>Opens the link with an id (BPF_LINK_GET_FD_BY_ID).</summary>
    public static KernelLink FromId(uint id)
    {
        try
        {
            return FromFd(Sys.GetFdById(BpfCommand.LinkGetFdById, id));
        }
        catch (BpfException e)
        {
            throw e.WithContext($"open link id {id}");
        }
    }

    /// <summary>Opens the link pinned at <paramref name="path"/> (BPF_OBJ_GET).</summary>
    public static KernelLink OpenPinned(string path)
    {
        try
        {
            var link = FromFd(Sys.ObjGet(path, 0));
            link.PinnedPath = path;
            return link;
        }
        catch (BpfException e)
        {
            throw e.WithContext($"open pinned link {path}");
        }
    }

    /// <summary>
    /// The kernel's view of the link, with what it reports through buffers: a raw tracepoint's or a
    /// tracepoint perf event's name, an iterator's target, a kprobe's function, a uprobe's file,
    /// and a kprobe_multi/uprobe_multi link's addresses, offsets and cookies (as bpftool's do_show_link).
    /// </summary>
    public LinkInfo GetInfo()
    {
        try
        {
            var info = default(BpfLinkInfo);
            Sys.ObjGetInfo(Fd, ref info);
            return (LinkType)info.Type switch
            {
                LinkType.RawTracepoint => new LinkInfo(info, ReadName(static (ref BpfLinkInfo i, ulong p, uint n) =>
                {
                    i.RawTracepointTpName = p;
                    i.RawTracepointTpNameLen = n;
                })),
                LinkType.Iter => new LinkInfo(info, null)
                {
                    IteratorTarget = ReadName(static (ref BpfLinkInfo i, ulong p, uint n) =>
                    {
                        i.IterTargetName = p;
                        i.IterTargetNameLen = n;
                    }),
                },
                LinkType.PerfEvent => PerfEventInfo(info),
                LinkType.KprobeMulti => KprobeMultiInfo(info),
                LinkType.UprobeMulti => UprobeMultiInfo(info),
                _ => new LinkInfo(info, null),
            };
        }
        catch (BpfException e)
        {
            throw e.WithContext(Context);
        }
    }

    // The kernel's struct bpf_perf_event_type: BPF_PERF_EVENT_UPROBE 1 .. BPF_PERF_EVENT_EVENT 6.
    private LinkInfo PerfEventInfo(in BpfLinkInfo info)
    {
        switch (info.PerfEventType)
        {
            case 5:
                return new LinkInfo(info, ReadName(static (ref BpfLinkInfo i, ulong p, uint n) =>
                {
                    i.PerfEventTracepointTpName = p;
                    i.PerfEventTracepointNameLen = n;
                }));
            case 3 or 4:
                return new LinkInfo(info, null)
                {
                    FunctionName = ReadName(static (ref BpfLinkInfo i, ulong p, uint n) =>
                    {
                        i.PerfEventKprobeFuncName = p;
                        i.PerfEventKprobeNameLen = n;
                    }),
                };
            case 1 or 2:
                return new LinkInfo(info, null)
                {
                    FileName = ReadName(static (ref BpfLinkInfo i, ulong p, uint n) =>
                    {
                        i.PerfEventUprobeFileName = p;
                        i.PerfEventUprobeNameLen = n;
                    }),
                };
            default:
                return new LinkInfo(info, null);
        }
    }

    private LinkInfo KprobeMultiInfo(in BpfLinkInfo info)
    {
        var addresses = new ulong[info.KprobeMultiCount];
        var cookies = new ulong[addresses.Length];
        if (addresses.Length > 0)
        {
            fixed (ulong* a = addresses)
            fixed (ulong* c = cookies)
            {
                var again = new BpfLinkInfo { KprobeMultiAddrs = Sys.Pointer(a), KprobeMultiCookies = Sys.Pointer(c), KprobeMultiCount = (uint)addresses.Length };
                Sys.ObjGetInfo(Fd, ref again);
            }
        }
        return new LinkInfo(info, null) { Addresses = addresses, Cookies = cookies };
    }

    private LinkInfo UprobeMultiInfo(in BpfLinkInfo info)
    {
        var offsets = new ulong[info.UprobeMultiCount];
        var refCounters = new ulong[offsets.Length];
        var cookies = new ulong[offsets.Length];
        var path = new byte[PathMax];
        fixed (ulong* o = offsets)
        fixed (ulong* r = refCounters)
        fixed (ulong* c = cookies)
        fixed (byte* p = path)
        {
            var again = new BpfLinkInfo { UprobeMultiPath = Sys.Pointer(p), UprobeMultiPathSize = (uint)path.Length };
            if (offsets.Length > 0)
            {
                again.UprobeMultiOffsets = Sys.Pointer(o);
                again.UprobeMultiRefCtrOffsets = Sys.Pointer(r);
                again.UprobeMultiCookies = Sys.Pointer(c);
                again.UprobeMultiCount = (uint)offsets.Length;
            }
            Sys.ObjGetInfo(Fd, ref again);
        }
        return new LinkInfo(info, null) { FileName = Sys.CString(path), Offsets = offsets, RefCounterOffsets = refCounters, Cookies = cookies };
    }

    // PATH_MAX: the buffer bpftool's do_show_link gives every name.
    private const int PathMax = 4096;

    private delegate void SetNameBuffer(ref BpfLinkInfo info, ulong pointer, uint length);

    /// <summary>A second BPF_OBJ_GET_INFO_BY_FD with a name buffer placed by <paramref name="set"/>.</summary>
    private string ReadName(SetNameBuffer set)
    {
        var buffer = new byte[PathMax];
        fixed (byte* p = buffer)
        {
            var again = default(BpfLinkInfo);
            set(ref again, Sys.Pointer(p), (uint)buffer.Length);
            Sys.ObjGetInfo(Fd, ref again);
        }
        return Sys.CString(buffer);
    }

    /// <summary>
    /// Makes the link run <paramref name="program"/> instead (BPF_LINK_UPDATE); with
    /// <paramref name="expected"/>, only if that is the program it runs now (BPF_F_REPLACE).
    /// </summary>
    public void Update(KernelProgram program, KernelProgram? expected = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        using var link = Fd.Acquire();
        using var next = program.Fd.Acquire();
        using var old = expected is null ? default : expected.Fd.Acquire();
        var attr = new LinkUpdateAttr { LinkFd = link.Fd, NewProgFd = next.Fd };
        if (expected is not null)
        {
            attr.Flags = FlagReplace;
            attr.OldProgFd = old.Fd;
        }
        try
        {
            Sys.Bpf(BpfCommand.LinkUpdate, ref attr);
        }
        catch (BpfException e)
        {
            throw e.WithContext($"update {Context} to {program}");
        }
    }

    /// <summary>
    /// Detaches the program now, though the link and its pins stay open (BPF_LINK_DETACH, 5.9);
    /// link types without a detach operation throw <see cref="BpfNotSupportedException"/>.
    /// </summary>
    public void Detach()
    {
        using var link = Fd.Acquire();
        var attr = new LinkDetachAttr { LinkFd = link.Fd };
        try
        {
            Sys.Bpf(BpfCommand.LinkDetach, ref attr);
        }
        catch (BpfNotSupportedException e) when (e.MinimumKernel is null)
        {
            // The link type has no detach operation (kernel/bpf/syscall.c, link_detach: EOPNOTSUPP).
            throw new BpfNotSupportedException($"BPF_LINK_DETACH of {UapiNames.NameOf(Type) ?? Type.ToString()} links", null, BpfCommand.LinkDetach, e.Errno)
                .WithContext($"detach {Context}");
        }
        catch (BpfException e)
        {
            throw e.WithContext($"detach {Context}");
        }
    }

    /// <summary>Pins the link at <paramref name="path"/> on a bpffs, so the attachment outlives this process.</summary>
    public void Pin(string path)
    {
        try
        {
            Sys.ObjPin(Fd, path);
        }
        catch (BpfException e)
        {
            throw e.WithContext($"pin {Context} at {path}");
        }
        PinnedPath = path;
    }

    /// <summary>Removes the pin; the link ends when its last fd closes.</summary>
    public void Unpin()
    {
        if (PinnedPath is null)
            return;
        File.Delete(PinnedPath);
        PinnedPath = null;
    }

    /// <summary>Closes the fd: detaches the program unless the link is pinned or otherwise held.</summary>
    public void Dispose() => Fd.Dispose();

    /// <inheritdoc/>
    public override string ToString() => Context;

    private string Context => $"{UapiNames.NameOf(Type) ?? Type.ToString()} link {Id}";
}
