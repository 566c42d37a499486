using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>What the kernel says about a map (BPF_OBJ_GET_INFO_BY_FD, struct bpf_map_info).</summary>
public sealed class MapInfo
{
    internal unsafe MapInfo(in BpfMapInfo raw)
    {
        Raw = raw;
        fixed (byte* name = raw.Name)
            Name = Sys.CString(new ReadOnlySpan<byte>(name, 16));
    }

    /// <summary>The kernel's struct, for fields without a property here.</summary>
    public BpfMapInfo Raw { get; }

    /// <summary>The map type.</summary>
    public MapType Type => (MapType)Raw.Type;

    /// <summary>The map's id.</summary>
    public uint Id => Raw.Id;

    /// <summary>The name the map was created with (at most 15 bytes).</summary>
    public string Name { get; }

    /// <summary>Key size in bytes.</summary>
    public int KeySize => (int)Raw.KeySize;

    /// <summary>Value size in bytes.</summary>
    public int ValueSize => (int)Raw.ValueSize;

    /// <summary>max_entries.</summary>
    public int MaxEntries => (int)Raw.MaxEntries;

    /// <summary>map_flags.</summary>
    public MapFlags Flags => (MapFlags)Raw.MapFlags;

    /// <summary>The id of the map's BTF, or 0.</summary>
    public uint BtfId => Raw.BtfId;

    /// <summary>The BTF type id of the key, or 0.</summary>
    public uint BtfKeyTypeId => Raw.BtfKeyTypeId;

    /// <summary>The BTF type id of the value, or 0.</summary>
    public uint BtfValueTypeId => Raw.BtfValueTypeId;

    /// <summary>map_extra (bloom filter hashes, arena address).</summary>
    public ulong MapExtra => Raw.MapExtra;

    /// <summary>The device the map is offloaded to, or 0.</summary>
    public uint Ifindex => Raw.Ifindex;
}
