using SharpBpf.Core;
using SharpBpf.Linux.Native;
using static SharpBpf.Linux.Features.ProbeCall;

namespace SharpBpf.Linux.Features;

internal static partial class Probes
{
    /// <summary>
    /// The map type probe (libbpf's probe_map_create): BPF_MAP_CREATE with the sizes and flags the
    /// type insists on, an inner map for maps of maps, local-storage BTF for storage maps.
    /// </summary>
    public static FeatureProbeResult MapType(MapType type)
    {
        string name = FeatureCatalog.NameOf(type);
        var attr = new MapCreateAttr { MapType = (uint)type, KeySize = 4, ValueSize = 4, MaxEntries = 1 };
        string how;
        Errno expected = Errno.None;
        int inner = -1, btf = -1;
        try
        {
            switch (type)
            {
                case Core.MapType.StackTrace:
                    attr.ValueSize = 8;
                    how = "key 4, value 8 (one frame), 1 entry";
                    break;
                case Core.MapType.LpmTrie:
                    (attr.KeySize, attr.ValueSize, attr.MapFlags) = (8, 8, FlagNoPrealloc);
                    how = "key 8 (prefix length + 4 bytes), value 8, BPF_F_NO_PREALLOC";
                    break;
                case Core.MapType.CgroupStorage or Core.MapType.PercpuCgroupStorage:
                    // struct bpf_cgroup_storage_key: cgroup inode id (u64) and attach type (u32), padded.
                    (attr.KeySize, attr.ValueSize, attr.MaxEntries) = (16, 8, 0);
                    how = "key struct bpf_cgroup_storage_key (16), value 8, max_entries 0";
                    break;
                case Core.MapType.Queue or Core.MapType.Stack:
                    attr.KeySize = 0;
                    how = "no key, value 4, 1 entry";
                    break;
                case Core.MapType.SkStorage or Core.MapType.InodeStorage or Core.MapType.TaskStorage or Core.MapType.CgrpStorage:
                    btf = LoadBtf(LocalStorageBtf, out var btfErrno);
                    if (btf < 0)
                        return MapResult(type, FeatureStatus.Unknown, "BPF_BTF_LOAD of the value type", "BTF for the probe did not load: " + Describe(btfErrno), btfErrno);
                    (attr.ValueSize, attr.MaxEntries, attr.MapFlags) = (8, 0, FlagNoPrealloc);
                    (attr.BtfFd, attr.BtfKeyTypeId, attr.BtfValueTypeId) = ((uint)btf, 1, 3);
                    how = "BTF key int, value struct { int cnt; struct bpf_spin_lock l; }, max_entries 0, BPF_F_NO_PREALLOC";
                    break;
                case Core.MapType.Ringbuf or Core.MapType.UserRingbuf:
                    (attr.KeySize, attr.ValueSize, attr.MaxEntries) = (0, 0, (uint)Environment.SystemPageSize);
                    how = "no key or value, one page of data";
                    break;
                case Core.MapType.StructOps:
                    // bpf_struct_ops_map_alloc: a vmlinux value type id that names no struct_ops is ENOTSUPP.
                    attr.BtfVmlinuxValueTypeId = 1;
                    expected = Errno.ENOTSUPP;
                    how = "btf_vmlinux_value_type_id 1 (no struct_ops type); ENOTSUPP, which only struct_ops maps return, proves the type";
                    break;
                case Core.MapType.BloomFilter:
                    // map_extra: the number of hash functions (kernel/bpf/bloom_filter.c, 1 to 15).
                    (attr.KeySize, attr.MapExtra) = (0, 5);
                    how = "no key, value 4, 1 entry, map_extra 5 hash functions";
                    break;
                case Core.MapType.Arena:
                    (attr.KeySize, attr.ValueSize, attr.MaxEntries, attr.MapFlags, attr.MapExtra) = (0, 0, 1, FlagMmapable, 0);
                    how = "no key or value, one page, BPF_F_MMAPABLE, map_extra 0 (any user address)";
                    break;
                case Core.MapType.ArrayOfMaps or Core.MapType.HashOfMaps:
                    var innerAttr = new MapCreateAttr { MapType = (uint)Core.MapType.Hash, KeySize = 4, ValueSize = 4, MaxEntries = 1 };
                    inner = CreateMap(ref innerAttr, out var innerErrno);
                    if (inner < 0)
                        return MapResult(type, FeatureStatus.Unknown, "BPF_MAP_CREATE of the inner hash map", Describe(innerErrno), innerErrno);
                    attr.InnerMapFd = (uint)inner;
                    how = "key 4, value 4 (map fd), 1 entry, inner map a hash map";
                    break;
                default:
                    how = "key 4, value 4, 1 entry";
                    break;
            }
            int fd = CreateMap(ref attr, out var errno);
            Close(fd);
            var (status, detail) = fd >= 0 || (expected != Errno.None && errno == expected)
                ? (FeatureStatus.Supported, (string?)null)
                : ClassifyCreate(errno);
            return MapResult(type, status, "BPF_MAP_CREATE with " + how, detail, fd >= 0 ? Errno.None : errno);
        }
        finally
        {
            Close(inner);
            Close(btf);
        }

        static FeatureProbeResult MapResult(MapType type, FeatureStatus status, string method, string? detail, Errno errno)
        {
            string name = FeatureCatalog.NameOf(type);
            return new FeatureProbeResult(FeatureKind.MapType, name, "map type " + name, status, method, detail, errno, FeatureRequirements.Of(type));
        }
    }

    /// <summary>map_create: an unknown type is EINVAL before anything else; EPERM after that is a refusal.</summary>
    internal static (FeatureStatus, string?) ClassifyCreate(Errno errno) => errno switch
    {
        Errno.EPERM => (FeatureStatus.Denied, Refused),
        Errno.EINVAL => (FeatureStatus.NotSupported, Describe(errno)),
        Errno.ENOTSUPP or Errno.EOPNOTSUPP => (FeatureStatus.NotSupported, Describe(errno) + ": compiled out or unsupported on this architecture"),
        _ => (FeatureStatus.Unknown, Describe(errno)),
    };

    // libbpf's load_local_storage_btf: [1] int, [2] struct bpf_spin_lock { int val; },
    // [3] struct val { int cnt; struct bpf_spin_lock l; }.
    internal static readonly byte[] LocalStorageBtf = BtfBlob.Build(
        [
            .. BtfBlob.Int(0),
            .. BtfBlob.Type(1, BtfBlob.Info(4, 1), 4), .. BtfBlob.Member(15, 1, 0),
            .. BtfBlob.Type(15, BtfBlob.Info(4, 2), 8), .. BtfBlob.Member(19, 1, 0), .. BtfBlob.Member(23, 2, 32),
        ],
        "\0bpf_spin_lock\0val\0cnt\0l\0"u8);
}
