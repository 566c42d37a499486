using SharpBpf.Core;
using SharpBpf.Linux.Native;
using static SharpBpf.Linux.Features.ProbeCall;

namespace SharpBpf.Linux.Features;

internal static partial class Probes
{
    /// <summary>
    /// The attach type probe, by the first of these the kernel's code makes possible:
    /// <list type="bullet">
    /// <item>program types whose load checks expected_attach_type (kernel/bpf/syscall.c,
    /// bpf_prog_load_check_attach): load with it, EINVAL means unknown;</item>
    /// <item>tracing and lsm: attach_btf_id 1 with it, which the verifier rejects with a message
    /// only for an attach type it knows (bpf_check_attach_target);</item>
    /// <item>attach types attach_type_to_prog_type maps: BPF_PROG_ATTACH with program fd -1 is EBADF
    /// for those, EINVAL for others;</item>
    /// <item>perf_event, kprobe/uprobe multi and session: BPF_LINK_CREATE with a loaded kprobe program
    /// and a target that fails later (fd -1, an address that faults): EBADF or EFAULT for a known
    /// attach type, EINVAL for an unknown one, EOPNOTSUPP when compiled out;</item>
    /// <item>xdp_devmap, xdp_cpumap: their maps take a program fd in the value (8 bytes) exactly since;</item>
    /// <item>struct_ops (links of struct_ops maps): BPF_F_LINK on a struct_ops map.</item>
    /// </list>
    /// The program type's own support is combined in by <see cref="KernelFeatures.ProbeAttachType"/>.
    /// </summary>
    public static FeatureProbeResult AttachType(AttachType type)
    {
        string name = FeatureCatalog.NameOf(type);
        var programType = FeatureCatalog.ProgramTypeOf(type);
        (FeatureStatus status, string method, string? detail, Errno errno) = type switch
        {
            Core.AttachType.TraceRawTp => ByVerifierTarget(Core.ProgramType.Tracing, type, "attach_btf_id 1 is not a typedef"),
            Core.AttachType.TraceFentry or Core.AttachType.TraceFexit or Core.AttachType.ModifyReturn or Core.AttachType.TraceIter
                => ByVerifierTarget(Core.ProgramType.Tracing, type, "attach_btf_id 1 is not a function"),
            Core.AttachType.LsmMac => ByVerifierTarget(Core.ProgramType.Lsm, type, "attach_btf_id 1 is not a function"),
            Core.AttachType.PerfEvent or Core.AttachType.TraceKprobeMulti or Core.AttachType.TraceKprobeSession
                or Core.AttachType.TraceUprobeMulti or FeatureCatalog.TraceUprobeSession => ByLink(type),
            Core.AttachType.XdpDevmap => ByMapValue(Core.MapType.Devmap, "struct bpf_devmap_val"),
            Core.AttachType.XdpCpumap => ByMapValue(Core.MapType.Cpumap, "struct bpf_cpumap_val"),
            Core.AttachType.StructOps => ByStructOpsLink(),
            _ when programType is { } pt && ChecksAttachTypeAtLoad(pt) => ByLoad(pt, type),
            _ => ByProgAttach(type),
        };
        return new FeatureProbeResult(FeatureKind.AttachType, name, "attach type " + name, status, method, detail, errno,
            FeatureRequirements.Of(type));
    }

    // kernel/bpf/syscall.c, bpf_prog_load_check_attach: the program types that reject an
    // expected_attach_type they do not know.
    private static bool ChecksAttachTypeAtLoad(ProgramType type) => type is Core.ProgramType.CgroupSkb or Core.ProgramType.CgroupSock
        or Core.ProgramType.CgroupSockAddr or Core.ProgramType.CgroupSockopt or Core.ProgramType.SkLookup
        or Core.ProgramType.SkReuseport or Core.ProgramType.Netfilter;

    private static (FeatureStatus, string, string?, Errno) ByLoad(ProgramType programType, AttachType type)
    {
        var recipe = ProbePrograms.ForType(programType);
        Span<byte> log = stackalloc byte[LogSize];
        int fd = Load(programType, ProbePrograms.ReturnZero, recipe.Attributes with { ExpectedAttachType = (uint)type }, log, out var errno);
        Close(fd);
        var (status, detail) = ClassifyTypeLoad(fd, errno, log, Errno.None, null);
        return (status, $"BPF_PROG_LOAD of a {FeatureCatalog.NameOf(programType)} program with expected_attach_type {Upper(type)}; EINVAL means unknown",
            detail, fd >= 0 ? Errno.None : errno);
    }

    private static (FeatureStatus, string, string?, Errno) ByVerifierTarget(ProgramType programType, AttachType type, string message)
    {
        Span<byte> log = stackalloc byte[LogSize];
        int fd = Load(programType, ProbePrograms.ReturnZero, new LoadAttributes((uint)type, AttachBtfId: 1), log, out var errno);
        Close(fd);
        var (status, detail) = ClassifyTypeLoad(fd, errno, log, Errno.EINVAL, message);
        // A verifier complaint other than the expected one does not prove the attach type here.
        if (status == FeatureStatus.Supported && fd < 0 && !LogContains(log, System.Text.Encoding.UTF8.GetBytes(message)))
            status = FeatureStatus.NotSupported;
        return (status, $"BPF_PROG_LOAD of a {FeatureCatalog.NameOf(programType)} program as {Upper(type)} with attach_btf_id 1; the verifier's \"{message}\" proves the attach type",
            detail, fd >= 0 ? Errno.None : errno);
    }

    private static (FeatureStatus, string, string?, Errno) ByProgAttach(AttachType type)
    {
        var attr = new ProgAttachAttr { TargetFd = BadFd, AttachBpfFd = BadFd, AttachType = (uint)type };
        int result = Call(BpfCommand.ProgAttach, ref attr, out var errno);
        Close(result);
        string method = $"BPF_PROG_ATTACH of {Upper(type)} with program fd -1; EBADF means the kernel maps the attach type to a program type, EINVAL that it does not know it";
        return errno switch
        {
            Errno.EBADF => (FeatureStatus.Supported, method, null, errno),
            Errno.EINVAL => (FeatureStatus.NotSupported, method, Describe(errno), errno),
            Errno.EPERM => (FeatureStatus.Denied, method, Refused, errno),
            _ => (FeatureStatus.Unknown, method, Describe(errno), errno),
        };
    }

    private static (FeatureStatus, string, string?, Errno) ByLink(AttachType type)
    {
        bool perfEvent = type == Core.AttachType.PerfEvent;
        bool multi = !perfEvent;
        bool uprobe = type is Core.AttachType.TraceUprobeMulti or FeatureCatalog.TraceUprobeSession;
        string method = perfEvent
            ? "BPF_LINK_CREATE of a kprobe program as BPF_PERF_EVENT with perf event fd -1; EBADF means known, EINVAL unknown"
            : $"BPF_LINK_CREATE of a kprobe program loaded as {Upper(type)}, with one {(uprobe ? "path" : "address")} at a faulting pointer; EFAULT means known, EINVAL unknown, EOPNOTSUPP compiled out";
        var load = new LoadAttributes(multi ? (uint)type : 0, KernelVersion: ProbePrograms.KernelVersionCode);
        int prog = Load(Core.ProgramType.Kprobe, ProbePrograms.ReturnZero, load, default, out var loadErrno);
        if (prog < 0)
        {
            var (loadStatus, loadDetail) = ClassifyTypeLoad(prog, loadErrno, default, Errno.None, null);
            if (loadStatus == FeatureStatus.Supported)
                loadStatus = FeatureStatus.Unknown;
            return (loadStatus, method, "the kprobe program did not load: " + loadDetail, loadErrno);
        }
        try
        {
            var attr = new LinkCreateAttr { ProgFd = (uint)prog, AttachType = (uint)type };
            if (perfEvent)
            {
                attr.TargetFd = BadFd;
            }
            else if (uprobe)
            {
                attr.UprobeMultiPath = 1;
                attr.UprobeMultiOffsets = 1;
                attr.UprobeMultiCnt = 1;
            }
            else
            {
                attr.KprobeMultiCnt = 1;
                attr.KprobeMultiAddrs = 1;
            }
            int link = Call(BpfCommand.LinkCreate, ref attr, out var errno);
            Close(link);
            var known = perfEvent ? Errno.EBADF : Errno.EFAULT;
            return errno switch
            {
                _ when errno == known => (FeatureStatus.Supported, method, null, errno),
                Errno.EINVAL => (FeatureStatus.NotSupported, method, Describe(errno), errno),
                Errno.EOPNOTSUPP or Errno.ENOTSUPP => (FeatureStatus.NotSupported, method,
                    Describe(errno) + $": the kernel knows it but was built without {(uprobe ? "CONFIG_UPROBES" : "CONFIG_FPROBE")}", errno),
                Errno.EPERM => (FeatureStatus.Denied, method, Refused, errno),
                _ => (FeatureStatus.Unknown, method, Describe(errno), errno),
            };
        }
        finally
        {
            Close(prog);
        }
    }

    private static (FeatureStatus, string, string?, Errno) ByMapValue(MapType mapType, string value)
    {
        var attr = new MapCreateAttr { MapType = (uint)mapType, KeySize = 4, ValueSize = 8, MaxEntries = 1 };
        int fd = CreateMap(ref attr, out var errno);
        Close(fd);
        string method = $"BPF_MAP_CREATE of a {FeatureCatalog.NameOf(mapType)} map with 8-byte values ({value} with a program fd), accepted exactly since the attach type exists";
        if (fd >= 0)
            return (FeatureStatus.Supported, method, null, Errno.None);
        var (status, detail) = ClassifyCreate(errno);
        return (status, method, detail, errno);
    }

    private static (FeatureStatus, string, string?, Errno) ByStructOpsLink()
    {
        var attr = new MapCreateAttr { MapType = (uint)Core.MapType.StructOps, KeySize = 4, ValueSize = 4, MaxEntries = 1, MapFlags = FlagLink, BtfVmlinuxValueTypeId = 1 };
        int fd = CreateMap(ref attr, out var errno);
        Close(fd);
        const string method = "BPF_MAP_CREATE of a struct_ops map with BPF_F_LINK and value type id 1; ENOTSUPP (bad type, flag accepted) means known, EINVAL (flag refused) unknown";
        if (fd >= 0 || errno == Errno.ENOTSUPP)
            return (FeatureStatus.Supported, method, null, fd >= 0 ? Errno.None : errno);
        var (status, detail) = ClassifyCreate(errno);
        return (status, method, detail, errno);
    }

    private static string Upper(AttachType type) => "BPF_" + FeatureCatalog.NameOf(type).ToUpperInvariant();
}
