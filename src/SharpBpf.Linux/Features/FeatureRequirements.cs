using System.Runtime.InteropServices;
using SharpBpf.Core;

namespace SharpBpf.Linux.Features;

/// <summary>
/// The table of when each feature appeared (the Linux release, from the kernel's git history as
/// bcc's docs/kernel-versions.md records it, and the uapi header's history) and which kernel
/// options it is compiled under (include/linux/bpf_types.h, kernel/bpf/Makefile). Tests derive the
/// set of features this kernel must have from it, so a probe that misses one fails.
/// </summary>
public static class FeatureRequirements
{
    private static readonly Version V4_10 = new(4, 10), V4_13 = new(4, 13), V4_14 = new(4, 14), V4_15 = new(4, 15),
        V4_16 = new(4, 16), V4_17 = new(4, 17), V4_18 = new(4, 18), V4_19 = new(4, 19), V4_20 = new(4, 20),
        V5_0 = new(5, 0), V5_1 = new(5, 1), V5_2 = new(5, 2), V5_3 = new(5, 3), V5_5 = new(5, 5), V5_6 = new(5, 6),
        V5_7 = new(5, 7), V5_8 = new(5, 8), V5_9 = new(5, 9), V5_12 = new(5, 12), V5_13 = new(5, 13), V5_14 = new(5, 14),
        V5_15 = new(5, 15), V5_16 = new(5, 16), V5_17 = new(5, 17), V5_18 = new(5, 18), V6_0 = new(6, 0),
        V6_4 = new(6, 4), V6_6 = new(6, 6), V6_7 = new(6, 7), V6_9 = new(6, 9), V6_10 = new(6, 10), V6_14 = new(6, 14),
        V6_15 = new(6, 15);

    /// <summary>The release and options of a program type (include/linux/bpf_types.h).</summary>
    public static FeatureRequirement Of(ProgramType type) => new(FeatureVersions.Of(type), type switch
    {
        ProgramType.CgroupSkb or ProgramType.CgroupSock or ProgramType.CgroupSockAddr => ["CONFIG_NET", "CONFIG_CGROUP_BPF"],
        ProgramType.SocketFilter or ProgramType.SchedCls or ProgramType.SchedAct or ProgramType.Xdp or ProgramType.LwtIn
            or ProgramType.LwtOut or ProgramType.LwtXmit or ProgramType.LwtSeg6local or ProgramType.SockOps or ProgramType.SkSkb
            or ProgramType.SkMsg or ProgramType.FlowDissector => ["CONFIG_NET"],
        ProgramType.Kprobe or ProgramType.Tracepoint or ProgramType.PerfEvent or ProgramType.RawTracepoint
            or ProgramType.RawTracepointWritable => ["CONFIG_BPF_EVENTS"],
        // Every tracing, lsm and struct_ops program attaches to a type of the kernel's own BTF.
        ProgramType.Tracing => ["CONFIG_BPF_EVENTS", "CONFIG_DEBUG_INFO_BTF"],
        ProgramType.CgroupDevice or ProgramType.CgroupSysctl or ProgramType.CgroupSockopt => ["CONFIG_CGROUP_BPF"],
        ProgramType.LircMode2 => ["CONFIG_BPF_LIRC_MODE2"],
        ProgramType.SkReuseport or ProgramType.SkLookup => ["CONFIG_INET"],
        ProgramType.StructOps => ["CONFIG_BPF_JIT", "CONFIG_DEBUG_INFO_BTF"],
        ProgramType.Ext => ["CONFIG_BPF_JIT"],
        ProgramType.Lsm => ["CONFIG_BPF_JIT", "CONFIG_BPF_LSM", "CONFIG_DEBUG_INFO_BTF"],
        ProgramType.Netfilter => ["CONFIG_NETFILTER_BPF_LINK"],
        _ => [],
    });

    /// <summary>The release and options of a map type (include/linux/bpf_types.h; arena: kernel/bpf/Makefile).</summary>
    public static FeatureRequirement Of(MapType type) => new(FeatureVersions.Of(type), type switch
    {
        MapType.CgroupArray or MapType.CgrpStorage => ["CONFIG_CGROUPS"],
        MapType.CgroupStorage or MapType.PercpuCgroupStorage => ["CONFIG_CGROUP_BPF"],
        MapType.StackTrace => ["CONFIG_PERF_EVENTS"],
        MapType.InodeStorage => ["CONFIG_BPF_LSM"],
        MapType.Devmap or MapType.DevmapHash or MapType.SkStorage or MapType.Cpumap => ["CONFIG_NET"],
        MapType.Xskmap => ["CONFIG_NET", "CONFIG_XDP_SOCKETS"],
        MapType.Sockmap or MapType.Sockhash or MapType.ReuseportSockarray => ["CONFIG_NET", "CONFIG_INET"],
        MapType.StructOps => ["CONFIG_BPF_JIT", "CONFIG_DEBUG_INFO_BTF"],
        MapType.Arena => ["CONFIG_MMU", "CONFIG_64BIT"],
        _ => [],
    });

    /// <summary>
    /// The release of an attach type (the uapi enum's history) and the options of its program type
    /// plus its own (kprobe_multi needs fprobe, uprobe_multi uprobes, netkit the netkit driver).
    /// </summary>
    public static FeatureRequirement Of(AttachType type)
    {
        var version = AttachTypeVersion(type);
        var options = new List<string>();
        if (FeatureCatalog.ProgramTypeOf(type) is { } programType)
            options.AddRange(Of(programType).RequiredConfig);
        switch (type)
        {
            case AttachType.TraceKprobeMulti or AttachType.TraceKprobeSession:
                options.Add("CONFIG_FPROBE");
                break;
            case AttachType.TraceUprobeMulti or FeatureCatalog.TraceUprobeSession:
                options.Add("CONFIG_UPROBES");
                break;
            case AttachType.NetkitPrimary or AttachType.NetkitPeer:
                options.Add("CONFIG_NETKIT");
                break;
            case AttachType.PerfEvent:
                options.Add("CONFIG_PERF_EVENTS");
                break;
        }
        return new FeatureRequirement(version, options.Distinct(StringComparer.Ordinal).ToArray());
    }

    private static Version? AttachTypeVersion(AttachType type) => type switch
    {
        AttachType.CgroupInetIngress or AttachType.CgroupInetEgress or AttachType.CgroupInetSockCreate => V4_10,
        AttachType.CgroupSockOps => V4_13,
        AttachType.SkSkbStreamParser or AttachType.SkSkbStreamVerdict => V4_14,
        AttachType.CgroupDevice => V4_15,
        AttachType.SkMsgVerdict or AttachType.CgroupInet4Bind or AttachType.CgroupInet6Bind or AttachType.CgroupInet4Connect
            or AttachType.CgroupInet6Connect or AttachType.CgroupInet4PostBind or AttachType.CgroupInet6PostBind => V4_17,
        AttachType.CgroupUdp4Sendmsg or AttachType.CgroupUdp6Sendmsg or AttachType.LircMode2 => V4_18,
        AttachType.FlowDissector => V4_20,
        AttachType.CgroupSysctl or AttachType.CgroupUdp4Recvmsg or AttachType.CgroupUdp6Recvmsg => V5_2,
        AttachType.CgroupGetsockopt or AttachType.CgroupSetsockopt => V5_3,
        AttachType.TraceRawTp or AttachType.TraceFentry or AttachType.TraceFexit => V5_5,
        AttachType.ModifyReturn or AttachType.LsmMac => V5_7,
        AttachType.TraceIter or AttachType.CgroupInet4Getpeername or AttachType.CgroupInet6Getpeername
            or AttachType.CgroupInet4Getsockname or AttachType.CgroupInet6Getsockname or AttachType.XdpDevmap => V5_8,
        AttachType.CgroupInetSockRelease or AttachType.XdpCpumap or AttachType.SkLookup or AttachType.Xdp => V5_9,
        AttachType.SkSkbVerdict => V5_13,
        AttachType.SkReuseportSelect or AttachType.SkReuseportSelectOrMigrate => V5_14,
        AttachType.PerfEvent => V5_15,
        AttachType.TraceKprobeMulti => V5_18,
        AttachType.LsmCgroup => V6_0,
        AttachType.StructOps or AttachType.Netfilter => V6_4,
        AttachType.TcxIngress or AttachType.TcxEgress or AttachType.TraceUprobeMulti => V6_6,
        AttachType.CgroupUnixConnect or AttachType.CgroupUnixSendmsg or AttachType.CgroupUnixRecvmsg
            or AttachType.CgroupUnixGetpeername or AttachType.CgroupUnixGetsockname or AttachType.NetkitPrimary
            or AttachType.NetkitPeer => V6_7,
        AttachType.TraceKprobeSession => V6_10,
        FeatureCatalog.TraceUprobeSession => V6_14,
        _ => null,
    };

    // The highest helper id of each release: enum bpf_func_id only grows at its end, so a release
    // knows a prefix of it (include/uapi/linux/bpf.h at each tag; bcc's kernel-versions.md lists
    // each helper's release). The list was frozen at bpf_cgrp_storage_delete in 6.2: new
    // functionality comes as kfuncs.
    private static readonly (Version Release, int LastHelper)[] HelperReleases =
    [
        (new(3, 19), 3), (new(4, 1), 11), (new(4, 2), 16), (new(4, 3), 22), (new(4, 4), 25), (new(4, 5), 26),
        (new(4, 6), 30), (new(4, 8), 36), (new(4, 9), 41), (V4_10, 44), (new(4, 11), 45), (new(4, 12), 47),
        (V4_13, 50), (V4_14, 53), (V4_15, 57), (V4_16, 59), (V4_17, 64), (V4_18, 80), (V4_19, 83), (V4_20, 90),
        (V5_0, 92), (V5_1, 98), (V5_2, 108), (V5_3, 110), (V5_5, 118), (V5_6, 121), (V5_7, 127), (V5_8, 135),
        (V5_9, 141), (new(5, 10), 155), (new(5, 11), 162), (V5_12, 163), (V5_13, 165), (V5_14, 168), (V5_15, 175),
        (V5_16, 179), (V5_17, 185), (V5_18, 193), (new(5, 19), 203), (V6_0, 207), (new(6, 1), 209), (new(6, 2), 211),
    ];

    /// <summary>The first release whose verifier knows helper <paramref name="helperId"/> at all (for some program type), or null.</summary>
    public static Version? HelperMinimumKernel(int helperId)
    {
        if (helperId <= 0)
            return null;
        foreach (var (release, last) in HelperReleases)
        {
            if (helperId <= last)
                return release;
        }
        return null;
    }

    /// <summary>When the kernel knows a helper at all; whether a program type may call it is probed, not tabled.</summary>
    public static FeatureRequirement OfHelper(int helperId) => new(HelperMinimumKernel(helperId));

    /// <summary>The release and options of a miscellaneous feature.</summary>
    public static FeatureRequirement Of(MiscFeature feature) => feature switch
    {
        // c04c0d2b968a "bpf: increase complexity limit and maximum program size".
        MiscFeature.LargeInsnLimit => new(V5_2),
        // 2589726d12a1 "bpf: introduce bounded loops".
        MiscFeature.BoundedLoops => new(V5_3),
        // 92b31a9af73b "bpf: add BPF_J{LT,LE,SLT,SLE} instructions".
        MiscFeature.V2IsaExtension => new(V4_14),
        // 092ed0968bb6 "bpf: verifier support JMP32".
        MiscFeature.V3IsaExtension => new(V5_1),
        // "bpf: Support new sign-extension load insns" and the rest of cpu=v4.
        MiscFeature.V4IsaExtension => new(V6_6),
        // cc8b0b92a169 "bpf: introduce function calls (function boundaries)".
        MiscFeature.BpfToBpfCalls => new(V4_16),
        // "bpf: Add instructions for atomic_[cmp]xchg" and fetch variants.
        MiscFeature.Atomics => new(V5_12),
        // "bpf: Introduce load-acquire and store-release instructions".
        MiscFeature.LoadAcquireStoreRelease => new(V6_15),
        // "bpf: Introduce may_goto instruction".
        MiscFeature.MayGoto => new(V6_9),
        // e6ac2450d6de "bpf: Support bpf program calling kernel function"; needs vmlinux BTF.
        MiscFeature.KfuncCalls => new(V5_13, "CONFIG_DEBUG_INFO_BTF"),
        // d8eca5bbb2be "bpf: implement lookup-free direct value access for maps".
        MiscFeature.GlobalData => new(V5_2),
        // fc9702273e2e "bpf: Add mmap() support for BPF_MAP_TYPE_ARRAY".
        MiscFeature.MmapableMaps => new(V5_5),
        MiscFeature.Btf => new(V4_18),
        MiscFeature.BtfFunc => new(V5_0),
        // 51c39bb1d5d1 "bpf: Introduce function-by-function verification".
        MiscFeature.BtfGlobalFunc => new(V5_6),
        MiscFeature.BtfDatasec => new(V5_2),
        MiscFeature.BtfFloat => new(V5_13),
        MiscFeature.BtfDeclTag => new(V5_16),
        MiscFeature.BtfTypeTag => new(V5_17),
        MiscFeature.BtfEnum64 => new(V6_0),
        // 7adfc6c9b315 "bpf: Add bpf_get_attach_cookie() BPF helper to access bpf_cookie value".
        MiscFeature.BpfCookie => new(V5_15, "CONFIG_BPF_EVENTS"),
        MiscFeature.Ringbuf => new(V5_8),
        // x86-64: fa697140f9a2 "syscalls/x86: Use 'struct pt_regs' based syscall calling convention for 64-bit syscalls";
        // arm64: 4378a7d4be30 "arm64: implement syscall wrappers".
        MiscFeature.SyscallWrapper => RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => new(V4_17, "CONFIG_KALLSYMS"),
            Architecture.Arm64 => new(V4_19, "CONFIG_KALLSYMS"),
            _ => FeatureRequirement.Unknown,
        },
        // "bpf: Add BPF token delegation mount options to BPF FS" and BPF_TOKEN_CREATE.
        MiscFeature.BpfToken => new(V6_9),
        _ => FeatureRequirement.Unknown,
    };
}
