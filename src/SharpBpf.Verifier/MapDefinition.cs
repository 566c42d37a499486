using SharpBpf.Core;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Verifier;

/// <summary>
/// A map as the verifier needs it: what a lookup returns (a value of <see cref="ValueSize"/>
/// bytes), what keys it takes, whether the program may write its values, and for frozen
/// read-only data (.rodata) the contents, which loads at constant offsets read as constants.
/// </summary>
public sealed record MapDefinition
{
    /// <summary>The map's name, for messages.</summary>
    public required string Name { get; init; }

    /// <summary>Map type.</summary>
    public required MapType Type { get; init; }

    /// <summary>Key size in bytes.</summary>
    public int KeySize { get; init; }

    /// <summary>Value size in bytes.</summary>
    public int ValueSize { get; init; }

    /// <summary>max_entries.</summary>
    public int MaxEntries { get; init; }

    /// <summary>map_flags.</summary>
    public uint Flags { get; init; }

    /// <summary>
    /// The file descriptor a raw program's <c>lddw rX, map_fd</c> (src 1) names; a program's
    /// <c>BPF_PSEUDO_MAP_IDX</c> (src 5) names the map by its index in <see cref="VerifierOptions.Maps"/>.
    /// </summary>
    public int? Fd { get; init; }

    /// <summary>The values of a frozen read-only map, read as constants; null otherwise.</summary>
    public byte[]? FrozenContents { get; init; }

    /// <summary>The inner map of a map-of-maps: what a lookup in it returns.</summary>
    public MapDefinition? InnerMap { get; init; }

    /// <summary>BPF_F_RDONLY_PROG: the program may not write the values.</summary>
    public bool ReadOnlyForProgram => (Flags & 0x80) != 0;

    /// <summary>Whether a lookup returns another map (ARRAY_OF_MAPS, HASH_OF_MAPS).</summary>
    public bool IsMapOfMaps => Type is MapType.ArrayOfMaps or MapType.HashOfMaps;

    /// <summary>The definition of a map read from an object file.</summary>
    public static MapDefinition FromSpec(MapSpec spec) => new()
    {
        Name = spec.Name,
        Type = spec.Type,
        KeySize = (int)spec.KeySize,
        ValueSize = (int)spec.ValueSize,
        MaxEntries = (int)spec.MaxEntries,
        Flags = spec.Flags,
        // libbpf freezes .rodata after writing it; .kconfig is filled by the loader, so its contents are not known here.
        FrozenContents = spec.ReadOnly && spec.SectionName != ".kconfig" ? spec.Contents : null,
        InnerMap = spec.InnerMap is { } inner ? FromSpec(inner) : null,
    };
}
