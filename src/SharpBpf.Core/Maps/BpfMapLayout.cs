namespace SharpBpf.Core.Maps;

/// <summary>
/// How a map's values are laid out in a caller's buffer, the same in every engine: one value, or for
/// per-CPU maps one value per possible CPU, each rounded up to 8 bytes (kernel/bpf/syscall.c,
/// bpf_map_value_size: <c>round_up(map->value_size, 8) * num_possible_cpus()</c>).
/// </summary>
public static class BpfMapLayout
{
    /// <summary>Whether lookups of a map type return one value per possible CPU.</summary>
    public static bool IsPerCpu(MapType type) =>
        type is MapType.PercpuHash or MapType.PercpuArray or MapType.LruPercpuHash or MapType.PercpuCgroupStorage;

    /// <summary>Whether a map type has no keys (pushed and popped values: queue, stack, bloom filter).</summary>
    public static bool IsKeyless(MapType type) => type is MapType.Queue or MapType.Stack or MapType.BloomFilter;

    /// <summary>The distance between two CPUs' values of a per-CPU map: the value size rounded up to 8.</summary>
    public static int PerCpuStride(int valueSize) => (valueSize + 7) & ~7;

    /// <summary>The bytes a value buffer must hold: <paramref name="valueSize"/>, or the per-CPU stride times <paramref name="possibleCpus"/>.</summary>
    public static int ValueBufferSize(MapType type, int valueSize, int possibleCpus) =>
        IsPerCpu(type) ? PerCpuStride(valueSize) * possibleCpus : valueSize;
}
