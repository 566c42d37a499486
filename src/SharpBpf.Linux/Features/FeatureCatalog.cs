using SharpBpf.Core;

namespace SharpBpf.Linux.Features;

/// <summary>
/// What can be probed and what each thing is called: the program, map and attach types of the
/// uapi enums, the helpers, and the miscellaneous features with the words bpftool prints for them.
/// </summary>
public static class FeatureCatalog
{
    /// <summary>
    /// BPF_TRACE_UPROBE_SESSION (6.14), newer than the generated <see cref="AttachType"/> knows
    /// (tools/SharpBpf.CodeGen/uapi-extra.tsv stops at BPF_TRACE_KPROBE_SESSION).
    /// </summary>
    public const AttachType TraceUprobeSession = (AttachType)57;

    /// <summary>Every program type after BPF_PROG_TYPE_UNSPEC, in enum order (bpftool's order).</summary>
    public static IReadOnlyList<ProgramType> ProgramTypes { get; } =
        Enum.GetValues<ProgramType>().Where(t => t != ProgramType.Unspec).Order().ToArray();

    /// <summary>Every map type after BPF_MAP_TYPE_UNSPEC, in enum order.</summary>
    public static IReadOnlyList<MapType> MapTypes { get; } =
        Enum.GetValues<MapType>().Where(t => t != MapType.Unspec).Order().ToArray();

    /// <summary>Every attach type, in enum order, including <see cref="TraceUprobeSession"/>.</summary>
    public static IReadOnlyList<AttachType> AttachTypes { get; } =
        Enum.GetValues<AttachType>().Append(TraceUprobeSession).Distinct().Order().ToArray();

    /// <summary>Helper ids 1 to the last known (bpf_cgrp_storage_delete, 211).</summary>
    public static IReadOnlyList<int> HelperIds { get; } = Enumerable.Range(1, Core.HelperIds.Count - 1).ToArray();

    /// <summary>The miscellaneous features in the order <c>feature probe</c> prints them (bpftool's four first).</summary>
    public static IReadOnlyList<MiscFeature> MiscFeatures { get; } = Enum.GetValues<MiscFeature>();

    /// <summary>bpf_trace_printk, bpf_probe_write_user and bpf_trace_vprintk: probing them writes to the kernel log, so bpftool skips them unless asked for <c>full</c>.</summary>
    public static bool IsNoisyHelper(int helperId) => helperId is 6 or 36 or 177;

    /// <summary>The kernel's name of a program type (<c>sched_cls</c>).</summary>
    public static string NameOf(ProgramType type) => UapiNames.NameOf(type) ?? "type_" + ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The kernel's name of a map type (<c>lru_hash</c>).</summary>
    public static string NameOf(MapType type) => UapiNames.NameOf(type) ?? "type_" + ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The kernel's name of an attach type (<c>cgroup_inet_ingress</c>), as libbpf's attach_type_name spells it.</summary>
    public static string NameOf(AttachType type) => type == TraceUprobeSession
        ? "trace_uprobe_session"
        : UapiNames.NameOf(type) ?? "type_" + ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The helper's name (<c>bpf_xdp_adjust_head</c>).</summary>
    public static string HelperName(int helperId) => Core.HelperIds.NameOf(helperId) ?? "helper_" + helperId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The program type an attach type is for (the one whose programs carry it), or null.</summary>
    public static ProgramType? ProgramTypeOf(AttachType type) => type switch
    {
        AttachType.CgroupInetIngress or AttachType.CgroupInetEgress => ProgramType.CgroupSkb,
        AttachType.CgroupInetSockCreate or AttachType.CgroupInetSockRelease or AttachType.CgroupInet4PostBind
            or AttachType.CgroupInet6PostBind => ProgramType.CgroupSock,
        AttachType.CgroupInet4Bind or AttachType.CgroupInet6Bind or AttachType.CgroupInet4Connect or AttachType.CgroupInet6Connect
            or AttachType.CgroupUdp4Sendmsg or AttachType.CgroupUdp6Sendmsg or AttachType.CgroupUdp4Recvmsg
            or AttachType.CgroupUdp6Recvmsg or AttachType.CgroupInet4Getpeername or AttachType.CgroupInet6Getpeername
            or AttachType.CgroupInet4Getsockname or AttachType.CgroupInet6Getsockname or AttachType.CgroupUnixConnect
            or AttachType.CgroupUnixSendmsg or AttachType.CgroupUnixRecvmsg or AttachType.CgroupUnixGetpeername
            or AttachType.CgroupUnixGetsockname => ProgramType.CgroupSockAddr,
        AttachType.CgroupSockOps => ProgramType.SockOps,
        AttachType.SkSkbStreamParser or AttachType.SkSkbStreamVerdict or AttachType.SkSkbVerdict => ProgramType.SkSkb,
        AttachType.CgroupDevice => ProgramType.CgroupDevice,
        AttachType.SkMsgVerdict => ProgramType.SkMsg,
        AttachType.LircMode2 => ProgramType.LircMode2,
        AttachType.FlowDissector => ProgramType.FlowDissector,
        AttachType.CgroupSysctl => ProgramType.CgroupSysctl,
        AttachType.CgroupGetsockopt or AttachType.CgroupSetsockopt => ProgramType.CgroupSockopt,
        AttachType.TraceRawTp or AttachType.TraceFentry or AttachType.TraceFexit or AttachType.ModifyReturn
            or AttachType.TraceIter => ProgramType.Tracing,
        AttachType.LsmMac or AttachType.LsmCgroup => ProgramType.Lsm,
        AttachType.XdpDevmap or AttachType.XdpCpumap or AttachType.Xdp => ProgramType.Xdp,
        AttachType.SkLookup => ProgramType.SkLookup,
        AttachType.SkReuseportSelect or AttachType.SkReuseportSelectOrMigrate => ProgramType.SkReuseport,
        AttachType.PerfEvent or AttachType.TraceKprobeMulti or AttachType.TraceUprobeMulti or AttachType.TraceKprobeSession
            or TraceUprobeSession => ProgramType.Kprobe,
        AttachType.StructOps => ProgramType.StructOps,
        AttachType.Netfilter => ProgramType.Netfilter,
        AttachType.TcxIngress or AttachType.TcxEgress or AttachType.NetkitPrimary or AttachType.NetkitPeer => ProgramType.SchedCls,
        _ => null,
    };

    /// <summary>The short name of a miscellaneous feature (<c>large_insn_limit</c>): the JSON key is <c>have_</c> + it, the macro its upper case.</summary>
    public static string NameOf(MiscFeature feature) => feature switch
    {
        MiscFeature.LargeInsnLimit => "large_insn_limit",
        MiscFeature.BoundedLoops => "bounded_loops",
        MiscFeature.V2IsaExtension => "v2_isa_extension",
        MiscFeature.V3IsaExtension => "v3_isa_extension",
        MiscFeature.V4IsaExtension => "v4_isa_extension",
        MiscFeature.BpfToBpfCalls => "bpf_to_bpf_calls",
        MiscFeature.Atomics => "atomics",
        MiscFeature.LoadAcquireStoreRelease => "load_acquire_store_release",
        MiscFeature.MayGoto => "may_goto",
        MiscFeature.KfuncCalls => "kfunc_calls",
        MiscFeature.GlobalData => "global_data",
        MiscFeature.MmapableMaps => "mmapable_maps",
        MiscFeature.Btf => "btf",
        MiscFeature.BtfFunc => "btf_func",
        MiscFeature.BtfGlobalFunc => "btf_global_func",
        MiscFeature.BtfDatasec => "btf_datasec",
        MiscFeature.BtfFloat => "btf_float",
        MiscFeature.BtfDeclTag => "btf_decl_tag",
        MiscFeature.BtfTypeTag => "btf_type_tag",
        MiscFeature.BtfEnum64 => "btf_enum64",
        MiscFeature.BpfCookie => "bpf_cookie",
        MiscFeature.Ringbuf => "ringbuf",
        MiscFeature.SyscallWrapper => "syscall_wrapper",
        MiscFeature.BpfToken => "bpf_token",
        _ => feature.ToString(),
    };

    /// <summary>The words <c>feature probe</c> prints for a miscellaneous feature ("Bounded loop support").</summary>
    public static string DescriptionOf(MiscFeature feature) => feature switch
    {
        // bpftool's words (feature.c, section_misc).
        MiscFeature.LargeInsnLimit => "Large program size limit",
        MiscFeature.BoundedLoops => "Bounded loop support",
        MiscFeature.V2IsaExtension => "ISA extension v2",
        MiscFeature.V3IsaExtension => "ISA extension v3",
        MiscFeature.V4IsaExtension => "ISA extension v4",
        MiscFeature.BpfToBpfCalls => "BPF-to-BPF function calls",
        MiscFeature.Atomics => "Atomic instructions (fetch-and-op, xchg, cmpxchg)",
        MiscFeature.LoadAcquireStoreRelease => "Load-acquire and store-release instructions",
        MiscFeature.MayGoto => "may_goto instruction",
        MiscFeature.KfuncCalls => "Kernel function (kfunc) calls",
        MiscFeature.GlobalData => "Global data (direct map value access)",
        MiscFeature.MmapableMaps => "Memory-mappable array maps",
        MiscFeature.Btf => "BTF",
        MiscFeature.BtfFunc => "BTF FUNC and FUNC_PROTO kinds",
        MiscFeature.BtfGlobalFunc => "BTF global functions",
        MiscFeature.BtfDatasec => "BTF VAR and DATASEC kinds",
        MiscFeature.BtfFloat => "BTF FLOAT kind",
        MiscFeature.BtfDeclTag => "BTF DECL_TAG kind",
        MiscFeature.BtfTypeTag => "BTF TYPE_TAG kind",
        MiscFeature.BtfEnum64 => "BTF ENUM64 kind",
        MiscFeature.BpfCookie => "BPF cookie (bpf_get_attach_cookie)",
        MiscFeature.Ringbuf => "BPF ring buffer",
        MiscFeature.SyscallWrapper => "Syscall wrappers",
        MiscFeature.BpfToken => "BPF token",
        _ => feature.ToString(),
    };
}
