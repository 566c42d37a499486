using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>
/// The first Linux version with each command, map type and program type, to turn the kernel's
/// EINVAL for something it does not know into a <see cref="BpfNotSupportedException"/> that names
/// the version. From the kernel's git history as bcc's docs/kernel-versions.md records it.
/// </summary>
internal static class FeatureVersions
{
    /// <summary>The first version with a bpf(2) command, or null if unknown.</summary>
    public static Version? Of(BpfCommand command) => command switch
    {
        BpfCommand.MapCreate or BpfCommand.MapLookupElem or BpfCommand.MapUpdateElem or BpfCommand.MapDeleteElem
            or BpfCommand.MapGetNextKey or BpfCommand.ProgLoad => new Version(3, 18),
        BpfCommand.ObjPin or BpfCommand.ObjGet => new Version(4, 4),
        BpfCommand.ProgAttach or BpfCommand.ProgDetach => new Version(4, 10),
        BpfCommand.ProgTestRun => new Version(4, 12),
        BpfCommand.ProgGetNextId or BpfCommand.MapGetNextId or BpfCommand.ProgGetFdById or BpfCommand.MapGetFdById
            or BpfCommand.ObjGetInfoByFd => new Version(4, 13),
        BpfCommand.ProgQuery => new Version(4, 15),
        BpfCommand.RawTracepointOpen => new Version(4, 17),
        BpfCommand.BtfLoad or BpfCommand.BtfGetFdById or BpfCommand.TaskFdQuery => new Version(4, 18),
        BpfCommand.MapLookupAndDeleteElem => new Version(4, 20),
        BpfCommand.MapFreeze => new Version(5, 2),
        BpfCommand.BtfGetNextId => new Version(5, 4),
        BpfCommand.MapLookupBatch or BpfCommand.MapLookupAndDeleteBatch or BpfCommand.MapUpdateBatch
            or BpfCommand.MapDeleteBatch => new Version(5, 6),
        BpfCommand.LinkCreate or BpfCommand.LinkUpdate => new Version(5, 7),
        BpfCommand.LinkGetFdById or BpfCommand.LinkGetNextId or BpfCommand.EnableStats or BpfCommand.IterCreate => new Version(5, 8),
        BpfCommand.LinkDetach => new Version(5, 9),
        BpfCommand.ProgBindMap => new Version(5, 10),
        BpfCommand.TokenCreate => new Version(6, 9),
        BpfCommand.ProgStreamReadByFd => new Version(6, 17),
        _ => null,
    };

    /// <summary>The first version with a map type, or null if unknown.</summary>
    public static Version? Of(MapType type) => type switch
    {
        MapType.Hash or MapType.Array => new Version(3, 19),
        MapType.ProgArray => new Version(4, 2),
        MapType.PerfEventArray => new Version(4, 3),
        MapType.PercpuHash or MapType.PercpuArray or MapType.StackTrace => new Version(4, 6),
        MapType.CgroupArray => new Version(4, 8),
        MapType.LruHash or MapType.LruPercpuHash => new Version(4, 10),
        MapType.LpmTrie => new Version(4, 11),
        MapType.ArrayOfMaps or MapType.HashOfMaps => new Version(4, 12),
        MapType.Devmap or MapType.Sockmap => new Version(4, 14),
        MapType.Cpumap => new Version(4, 15),
        MapType.Xskmap or MapType.Sockhash => new Version(4, 18),
        MapType.CgroupStorage or MapType.ReuseportSockarray => new Version(4, 19),
        MapType.PercpuCgroupStorage or MapType.Queue or MapType.Stack => new Version(4, 20),
        MapType.SkStorage => new Version(5, 2),
        MapType.DevmapHash => new Version(5, 4),
        MapType.StructOps => new Version(5, 6),
        MapType.Ringbuf => new Version(5, 8),
        MapType.InodeStorage => new Version(5, 10),
        MapType.TaskStorage => new Version(5, 11),
        MapType.BloomFilter => new Version(5, 16),
        MapType.UserRingbuf => new Version(6, 1),
        MapType.CgrpStorage => new Version(6, 2),
        MapType.Arena => new Version(6, 9),
        _ => null,
    };

    /// <summary>The first version with a program type, or null if unknown.</summary>
    public static Version? Of(ProgramType type) => type switch
    {
        ProgramType.SocketFilter => new Version(3, 19),
        ProgramType.Kprobe or ProgramType.SchedCls or ProgramType.SchedAct => new Version(4, 1),
        ProgramType.Tracepoint => new Version(4, 7),
        ProgramType.Xdp => new Version(4, 8),
        ProgramType.PerfEvent => new Version(4, 9),
        ProgramType.CgroupSkb or ProgramType.CgroupSock or ProgramType.LwtIn or ProgramType.LwtOut or ProgramType.LwtXmit => new Version(4, 10),
        ProgramType.SockOps => new Version(4, 13),
        ProgramType.SkSkb => new Version(4, 14),
        ProgramType.CgroupDevice => new Version(4, 15),
        ProgramType.SkMsg or ProgramType.RawTracepoint or ProgramType.CgroupSockAddr => new Version(4, 17),
        ProgramType.LwtSeg6local or ProgramType.LircMode2 => new Version(4, 18),
        ProgramType.SkReuseport => new Version(4, 19),
        ProgramType.FlowDissector => new Version(4, 20),
        ProgramType.CgroupSysctl or ProgramType.RawTracepointWritable => new Version(5, 2),
        ProgramType.CgroupSockopt => new Version(5, 3),
        ProgramType.Tracing => new Version(5, 5),
        ProgramType.StructOps or ProgramType.Ext => new Version(5, 6),
        ProgramType.Lsm => new Version(5, 7),
        ProgramType.SkLookup => new Version(5, 9),
        ProgramType.Syscall => new Version(5, 14),
        ProgramType.Netfilter => new Version(6, 4),
        _ => null,
    };
}
