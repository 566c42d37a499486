using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.ObjectFile.Spec;

/// <summary>How a map is pinned (libbpf's __uint(pinning, ...)).</summary>
public enum PinType
{
    /// <summary>LIBBPF_PIN_NONE.</summary>
    None = 0,
    /// <summary>LIBBPF_PIN_BY_NAME: at PIN_ROOT/NAME (default /sys/fs/bpf).</summary>
    ByName = 1,
}

/// <summary>Where a map definition came from.</summary>
public enum MapOrigin
{
    /// <summary>A BTF-defined map in .maps.</summary>
    BtfMaps,
    /// <summary>A legacy struct bpf_map_def in "maps".</summary>
    Legacy,
    /// <summary>A global data section (.data, .rodata, .bss, .kconfig, custom .data.*/.rodata.*).</summary>
    Data,
    /// <summary>The inner map template of a map-of-maps.</summary>
    Inner,
}

/// <summary>A map as the object defines it.</summary>
public sealed class MapSpec
{
    /// <summary>The map's name (the variable's name, or the data section's name).</summary>
    public required string Name { get; init; }

    /// <summary>Map type.</summary>
    public required MapType Type { get; init; }

    /// <summary>Key size in bytes.</summary>
    public uint KeySize { get; init; }

    /// <summary>Value size in bytes.</summary>
    public uint ValueSize { get; init; }

    /// <summary>max_entries.</summary>
    public uint MaxEntries { get; init; }

    /// <summary>map_flags.</summary>
    public uint Flags { get; init; }

    /// <summary>map_extra (bloom filter hashes, arena address).</summary>
    public ulong MapExtra { get; init; }

    /// <summary>numa_node.</summary>
    public uint NumaNode { get; init; }

    /// <summary>Pinning.</summary>
    public PinType Pinning { get; init; }

    /// <summary>BTF key type, or void.</summary>
    public BtfTypeId KeyType { get; init; }

    /// <summary>BTF value type, or void.</summary>
    public BtfTypeId ValueType { get; init; }

    /// <summary>The inner map of a map-of-maps.</summary>
    public MapSpec? InnerMap { get; init; }

    /// <summary>Where it was defined.</summary>
    public required MapOrigin Origin { get; init; }

    /// <summary>The ELF section it came from.</summary>
    public required string SectionName { get; init; }

    /// <summary>Initial contents (data sections; all zero for .bss).</summary>
    public byte[]? Contents { get; init; }

    /// <summary>Read-only data (.rodata, .kconfig): frozen after loading.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Initial values of a PROG_ARRAY or map-of-maps (slot -> program/map name), from __array initialisers.</summary>
    public IReadOnlyList<(uint Index, string Name)> InitialValues { get; init; } = [];
}
