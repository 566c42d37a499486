namespace SharpBpf.Core.Maps;

/// <summary>
/// A map as both engines see it (the kernel's bpf(2) map and the userspace runtime's): fixed-size
/// keys and values as bytes. Keys must be exactly <see cref="KeySize"/> bytes (empty for keyless
/// maps: queue, stack, bloom filter); values written exactly <see cref="ValueBufferSize"/> bytes and
/// lookup buffers at least that, which for per-CPU maps is one value per possible CPU (see
/// <see cref="BpfMapLayout"/>).
/// Failures other than "no such key" are thrown by the engine with its own exception type.
/// </summary>
public interface IBpfMap
{
    /// <summary>The map's name (may be empty).</summary>
    string Name { get; }

    /// <summary>The map type.</summary>
    MapType Type { get; }

    /// <summary>Key size in bytes (0 for keyless maps).</summary>
    int KeySize { get; }

    /// <summary>Value size in bytes, as the program sees one value.</summary>
    int ValueSize { get; }

    /// <summary>max_entries.</summary>
    int MaxEntries { get; }

    /// <summary>Whether values are per CPU (<see cref="BpfMapLayout.IsPerCpu"/>).</summary>
    bool IsPerCpu { get; }

    /// <summary>The number of possible CPUs a per-CPU value spans; 1 for other maps.</summary>
    int PossibleCpus { get; }

    /// <summary>The size of a value buffer for lookups and updates (<see cref="BpfMapLayout.ValueBufferSize"/>).</summary>
    int ValueBufferSize { get; }

    /// <summary>Copies the value of <paramref name="key"/> into <paramref name="value"/>; false when the key is absent (for queue and stack: peek, false when empty).</summary>
    bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value);

    /// <summary>Copies the value of <paramref name="key"/> and deletes the element; false when absent (for queue and stack: pop).</summary>
    bool TryLookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value);

    /// <summary>Creates or replaces the element (for queue and stack: push, with an empty key), as <paramref name="flags"/> allow.</summary>
    void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any);

    /// <summary>Deletes the element; false when the key is absent.</summary>
    bool Delete(ReadOnlySpan<byte> key);

    /// <summary>
    /// The key after <paramref name="key"/> in the map's iteration order, or the first key when
    /// <paramref name="key"/> is empty; false after the last key.
    /// </summary>
    bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey);
}
