using SharpBpf.Core;

namespace SharpBpf.ObjectFile.Spec;

/// <summary>What a SEC() name says about a program: type, expected attach type, attach target.</summary>
/// <param name="Type">Program type.</param>
/// <param name="AttachType">Expected attach type, when the section implies one.</param>
/// <param name="AttachTarget">What follows the section prefix (tracepoint "cat/name", function, cgroup hook ...), or null.</param>
/// <param name="Sleepable">".s" sections: BPF_F_SLEEPABLE.</param>
/// <param name="Prefix">The section prefix that matched (libbpf's section_def).</param>
public sealed record SectionInfo(ProgramType Type, AttachType? AttachType, string? AttachTarget, bool Sleepable, string Prefix);

/// <summary>
/// libbpf's SEC() conventions (tools/lib/bpf/libbpf.c, section_defs): a section name is a prefix,
/// optionally followed by "/" and an attach target. Exact names ("xdp", "socket") and prefixes
/// ("tracepoint/", "kprobe/") are tried in the table's order, as libbpf does.
/// </summary>
public static class SectionDefinitions
{
    private sealed record Def(string Prefix, ProgramType Type, AttachType? Attach, bool TakesTarget, bool Sleepable = false);

    private static readonly Def[] Defs =
    [
        new("socket", ProgramType.SocketFilter, null, false),
        new("sk_reuseport/migrate", ProgramType.SkReuseport, AttachType.SkReuseportSelectOrMigrate, false),
        new("sk_reuseport", ProgramType.SkReuseport, AttachType.SkReuseportSelect, false),
        new("kprobe", ProgramType.Kprobe, null, true),
        new("uprobe", ProgramType.Kprobe, null, true),
        new("uprobe.s", ProgramType.Kprobe, null, true, true),
        new("kretprobe", ProgramType.Kprobe, null, true),
        new("uretprobe", ProgramType.Kprobe, null, true),
        new("uretprobe.s", ProgramType.Kprobe, null, true, true),
        new("kprobe.multi", ProgramType.Kprobe, AttachType.TraceKprobeMulti, true),
        new("kretprobe.multi", ProgramType.Kprobe, AttachType.TraceKprobeMulti, true),
        new("kprobe.session", ProgramType.Kprobe, AttachType.TraceKprobeSession, true),
        new("uprobe.multi", ProgramType.Kprobe, AttachType.TraceUprobeMulti, true),
        new("uretprobe.multi", ProgramType.Kprobe, AttachType.TraceUprobeMulti, true),
        new("ksyscall", ProgramType.Kprobe, null, true),
        new("kretsyscall", ProgramType.Kprobe, null, true),
        new("usdt", ProgramType.Kprobe, null, true),
        new("tc/ingress", ProgramType.SchedCls, AttachType.TcxIngress, false),
        new("tc/egress", ProgramType.SchedCls, AttachType.TcxEgress, false),
        new("tcx/ingress", ProgramType.SchedCls, AttachType.TcxIngress, false),
        new("tcx/egress", ProgramType.SchedCls, AttachType.TcxEgress, false),
        new("tc", ProgramType.SchedCls, null, false),
        new("classifier", ProgramType.SchedCls, null, false),
        new("action", ProgramType.SchedAct, null, false),
        new("netkit/primary", ProgramType.SchedCls, AttachType.NetkitPrimary, false),
        new("netkit/peer", ProgramType.SchedCls, AttachType.NetkitPeer, false),
        new("tracepoint", ProgramType.Tracepoint, null, true),
        new("tp", ProgramType.Tracepoint, null, true),
        new("raw_tracepoint", ProgramType.RawTracepoint, null, true),
        new("raw_tp", ProgramType.RawTracepoint, null, true),
        new("raw_tracepoint.w", ProgramType.RawTracepointWritable, null, true),
        new("raw_tp.w", ProgramType.RawTracepointWritable, null, true),
        new("tp_btf", ProgramType.Tracing, AttachType.TraceRawTp, true),
        new("fentry", ProgramType.Tracing, AttachType.TraceFentry, true),
        new("fmod_ret", ProgramType.Tracing, AttachType.ModifyReturn, true),
        new("fexit", ProgramType.Tracing, AttachType.TraceFexit, true),
        new("fentry.s", ProgramType.Tracing, AttachType.TraceFentry, true, true),
        new("fmod_ret.s", ProgramType.Tracing, AttachType.ModifyReturn, true, true),
        new("fexit.s", ProgramType.Tracing, AttachType.TraceFexit, true, true),
        new("freplace", ProgramType.Ext, null, true),
        new("lsm", ProgramType.Lsm, AttachType.LsmMac, true),
        new("lsm.s", ProgramType.Lsm, AttachType.LsmMac, true, true),
        new("lsm_cgroup", ProgramType.Lsm, AttachType.LsmCgroup, true),
        new("iter", ProgramType.Tracing, AttachType.TraceIter, true),
        new("iter.s", ProgramType.Tracing, AttachType.TraceIter, true, true),
        new("syscall", ProgramType.Syscall, null, false, true),
        new("xdp.frags/devmap", ProgramType.Xdp, AttachType.XdpDevmap, false),
        new("xdp/devmap", ProgramType.Xdp, AttachType.XdpDevmap, false),
        new("xdp.frags/cpumap", ProgramType.Xdp, AttachType.XdpCpumap, false),
        new("xdp/cpumap", ProgramType.Xdp, AttachType.XdpCpumap, false),
        new("xdp.frags", ProgramType.Xdp, AttachType.Xdp, false),
        new("xdp", ProgramType.Xdp, AttachType.Xdp, false),
        new("perf_event", ProgramType.PerfEvent, null, false),
        new("lwt_in", ProgramType.LwtIn, null, false),
        new("lwt_out", ProgramType.LwtOut, null, false),
        new("lwt_xmit", ProgramType.LwtXmit, null, false),
        new("lwt_seg6local", ProgramType.LwtSeg6local, null, false),
        new("sockops", ProgramType.SockOps, AttachType.CgroupSockOps, false),
        new("sk_skb/stream_parser", ProgramType.SkSkb, AttachType.SkSkbStreamParser, false),
        new("sk_skb/stream_verdict", ProgramType.SkSkb, AttachType.SkSkbStreamVerdict, false),
        new("sk_skb/verdict", ProgramType.SkSkb, AttachType.SkSkbVerdict, false),
        new("sk_skb", ProgramType.SkSkb, null, false),
        new("sk_msg", ProgramType.SkMsg, AttachType.SkMsgVerdict, false),
        new("lirc_mode2", ProgramType.LircMode2, AttachType.LircMode2, false),
        new("flow_dissector", ProgramType.FlowDissector, AttachType.FlowDissector, false),
        new("cgroup_skb/ingress", ProgramType.CgroupSkb, AttachType.CgroupInetIngress, false),
        new("cgroup_skb/egress", ProgramType.CgroupSkb, AttachType.CgroupInetEgress, false),
        new("cgroup/skb", ProgramType.CgroupSkb, null, false),
        new("cgroup/sock_create", ProgramType.CgroupSock, AttachType.CgroupInetSockCreate, false),
        new("cgroup/sock_release", ProgramType.CgroupSock, AttachType.CgroupInetSockRelease, false),
        new("cgroup/sock", ProgramType.CgroupSock, AttachType.CgroupInetSockCreate, false),
        new("cgroup/post_bind4", ProgramType.CgroupSock, AttachType.CgroupInet4PostBind, false),
        new("cgroup/post_bind6", ProgramType.CgroupSock, AttachType.CgroupInet6PostBind, false),
        new("cgroup/bind4", ProgramType.CgroupSockAddr, AttachType.CgroupInet4Bind, false),
        new("cgroup/bind6", ProgramType.CgroupSockAddr, AttachType.CgroupInet6Bind, false),
        new("cgroup/connect4", ProgramType.CgroupSockAddr, AttachType.CgroupInet4Connect, false),
        new("cgroup/connect6", ProgramType.CgroupSockAddr, AttachType.CgroupInet6Connect, false),
        new("cgroup/connect_unix", ProgramType.CgroupSockAddr, AttachType.CgroupUnixConnect, false),
        new("cgroup/sendmsg4", ProgramType.CgroupSockAddr, AttachType.CgroupUdp4Sendmsg, false),
        new("cgroup/sendmsg6", ProgramType.CgroupSockAddr, AttachType.CgroupUdp6Sendmsg, false),
        new("cgroup/sendmsg_unix", ProgramType.CgroupSockAddr, AttachType.CgroupUnixSendmsg, false),
        new("cgroup/recvmsg4", ProgramType.CgroupSockAddr, AttachType.CgroupUdp4Recvmsg, false),
        new("cgroup/recvmsg6", ProgramType.CgroupSockAddr, AttachType.CgroupUdp6Recvmsg, false),
        new("cgroup/recvmsg_unix", ProgramType.CgroupSockAddr, AttachType.CgroupUnixRecvmsg, false),
        new("cgroup/getpeername4", ProgramType.CgroupSockAddr, AttachType.CgroupInet4Getpeername, false),
        new("cgroup/getpeername6", ProgramType.CgroupSockAddr, AttachType.CgroupInet6Getpeername, false),
        new("cgroup/getpeername_unix", ProgramType.CgroupSockAddr, AttachType.CgroupUnixGetpeername, false),
        new("cgroup/getsockname4", ProgramType.CgroupSockAddr, AttachType.CgroupInet4Getsockname, false),
        new("cgroup/getsockname6", ProgramType.CgroupSockAddr, AttachType.CgroupInet6Getsockname, false),
        new("cgroup/getsockname_unix", ProgramType.CgroupSockAddr, AttachType.CgroupUnixGetsockname, false),
        new("cgroup/sysctl", ProgramType.CgroupSysctl, AttachType.CgroupSysctl, false),
        new("cgroup/getsockopt", ProgramType.CgroupSockopt, AttachType.CgroupGetsockopt, false),
        new("cgroup/setsockopt", ProgramType.CgroupSockopt, AttachType.CgroupSetsockopt, false),
        new("cgroup/dev", ProgramType.CgroupDevice, AttachType.CgroupDevice, false),
        new("struct_ops", ProgramType.StructOps, null, true),
        new("struct_ops.s", ProgramType.StructOps, null, true, true),
        new("sk_lookup", ProgramType.SkLookup, AttachType.SkLookup, false),
        new("netfilter", ProgramType.Netfilter, AttachType.Netfilter, false),
    ];

    /// <summary>Recognises a section name; null when no convention matches (libbpf: "unrecognized section").</summary>
    public static SectionInfo? Lookup(string section)
    {
        foreach (var d in Defs)
        {
            if (section == d.Prefix)
                return new SectionInfo(d.Type, d.Attach, null, d.Sleepable, d.Prefix);
            if (section.Length > d.Prefix.Length && section.StartsWith(d.Prefix, StringComparison.Ordinal) &&
                section[d.Prefix.Length] == '/' && (d.TakesTarget || IsExtension(d)))
                return new SectionInfo(d.Type, d.Attach, section[(d.Prefix.Length + 1)..], d.Sleepable, d.Prefix);
        }
        return null;
    }

    // Sections like "xdp/foo" or "tc/foo" name a program without a target; libbpf accepts them.
    private static bool IsExtension(Def d) => d.Type is ProgramType.Xdp or ProgramType.SchedCls or ProgramType.SocketFilter or ProgramType.PerfEvent;
}
