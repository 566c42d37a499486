using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpBpf.Core.Maps;

/// <summary>
/// A typed view of an <see cref="IBpfMap"/> whose keys and values are blittable structs of exactly
/// the map's key and value sizes. Works the same over the kernel's maps and the userspace runtime's.
/// Per-CPU maps are read and written as one <typeparamref name="TValue"/> per possible CPU.
/// </summary>
/// <typeparam name="TKey">The key struct (its size must be the map's key size).</typeparam>
/// <typeparam name="TValue">The value struct (its size must be the map's value size).</typeparam>
public sealed class BpfMap<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    // Value buffers up to this size live on the stack; per-CPU values on many-CPU machines are rented.
    private const int StackLimit = 512;

    /// <summary>Wraps a map; throws when the struct sizes differ from the map's.</summary>
    public BpfMap(IBpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (Unsafe.SizeOf<TKey>() != map.KeySize)
            throw new ArgumentException($"map '{map.Name}' has {map.KeySize}-byte keys; {typeof(TKey).Name} is {Unsafe.SizeOf<TKey>()} bytes", nameof(map));
        if (Unsafe.SizeOf<TValue>() != map.ValueSize)
            throw new ArgumentException($"map '{map.Name}' has {map.ValueSize}-byte values; {typeof(TValue).Name} is {Unsafe.SizeOf<TValue>()} bytes", nameof(map));
        Map = map;
    }

    /// <summary>The underlying map.</summary>
    public IBpfMap Map { get; }

    /// <summary>Looks up a key; false when absent. Throws for per-CPU maps (use <see cref="TryLookupPerCpu"/>).</summary>
    public bool TryLookup(in TKey key, out TValue value)
    {
        RequireSingleValue();
        value = default;
        return Map.TryLookup(AsBytes(in key), MemoryMarshal.AsBytes(new Span<TValue>(ref value)));
    }

    /// <summary>Looks up a key; throws <see cref="KeyNotFoundException"/> when absent.</summary>
    public TValue Lookup(in TKey key) =>
        TryLookup(in key, out var value) ? value : throw new KeyNotFoundException($"key not found in map '{Map.Name}'");

    /// <summary>Creates or replaces an element, as <paramref name="flags"/> allow.</summary>
    public void Update(in TKey key, in TValue value, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        RequireSingleValue();
        Map.Update(AsBytes(in key), MemoryMarshal.AsBytes(new ReadOnlySpan<TValue>(in value)), flags);
    }

    /// <summary>Deletes an element; false when the key is absent.</summary>
    public bool Delete(in TKey key) => Map.Delete(AsBytes(in key));

    /// <summary>
    /// Looks up a per-CPU value: one <typeparamref name="TValue"/> per possible CPU into
    /// <paramref name="values"/> (exactly <see cref="IBpfMap.PossibleCpus"/> long); false when absent.
    /// </summary>
    public bool TryLookupPerCpu(in TKey key, Span<TValue> values)
    {
        RequirePerCpu(values.Length);
        int size = Map.ValueBufferSize;
        byte[]? rented = size > StackLimit ? ArrayPool<byte>.Shared.Rent(size) : null;
        Span<byte> buffer = rented is null ? stackalloc byte[StackLimit] : rented;
        buffer = buffer[..size];
        try
        {
            if (!Map.TryLookup(AsBytes(in key), buffer))
                return false;
            int stride = BpfMapLayout.PerCpuStride(Map.ValueSize);
            for (int cpu = 0; cpu < values.Length; cpu++)
                values[cpu] = MemoryMarshal.Read<TValue>(buffer.Slice(cpu * stride, Map.ValueSize));
            return true;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Looks up a per-CPU value as an array indexed by CPU; null when absent.</summary>
    public TValue[]? LookupPerCpu(in TKey key)
    {
        var values = new TValue[Map.PossibleCpus];
        return TryLookupPerCpu(in key, values) ? values : null;
    }

    /// <summary>Writes a per-CPU value: one <typeparamref name="TValue"/> per possible CPU.</summary>
    public void UpdatePerCpu(in TKey key, ReadOnlySpan<TValue> values, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        RequirePerCpu(values.Length);
        int size = Map.ValueBufferSize;
        byte[]? rented = size > StackLimit ? ArrayPool<byte>.Shared.Rent(size) : null;
        Span<byte> buffer = rented is null ? stackalloc byte[StackLimit] : rented;
        buffer = buffer[..size];
        try
        {
            buffer.Clear();
            int stride = BpfMapLayout.PerCpuStride(Map.ValueSize);
            for (int cpu = 0; cpu < values.Length; cpu++)
                MemoryMarshal.Write(buffer.Slice(cpu * stride, Map.ValueSize), in values[cpu]);
            Map.Update(AsBytes(in key), buffer, flags);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The keys, in the map's iteration order (BPF_MAP_GET_NEXT_KEY). A hash map modified meanwhile
    /// may restart from its first key; more than max_entries keys aborts with <see cref="InvalidOperationException"/>.
    /// </summary>
    public IEnumerable<TKey> Keys
    {
        get
        {
            var current = new byte[Map.KeySize];
            var next = new byte[Map.KeySize];
            long limit = (long)Map.MaxEntries + 1;
            bool more = Map.TryGetNextKey(default, next);
            for (long seen = 0; more; seen++)
            {
                if (seen >= limit)
                    throw new InvalidOperationException($"iteration of map '{Map.Name}' aborted after {seen} keys: it is being modified meanwhile");
                yield return MemoryMarshal.Read<TKey>(next);
                (current, next) = (next, current);
                more = Map.TryGetNextKey(current, next);
            }
        }
    }

    /// <summary>The elements (keys deleted between listing and lookup are skipped).</summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> Entries
    {
        get
        {
            foreach (var key in Keys)
            {
                if (TryLookup(in key, out var value))
                    yield return new KeyValuePair<TKey, TValue>(key, value);
            }
        }
    }

    /// <summary>The elements of a per-CPU map, each value an array indexed by CPU.</summary>
    public IEnumerable<KeyValuePair<TKey, TValue[]>> PerCpuEntries
    {
        get
        {
            foreach (var key in Keys)
            {
                if (LookupPerCpu(in key) is { } values)
                    yield return new KeyValuePair<TKey, TValue[]>(key, values);
            }
        }
    }

    private static ReadOnlySpan<byte> AsBytes(in TKey key) => MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key));

    private void RequireSingleValue()
    {
        if (Map.IsPerCpu)
            throw new InvalidOperationException($"map '{Map.Name}' is per-CPU: use the PerCpu methods");
    }

    private void RequirePerCpu(int count)
    {
        if (!Map.IsPerCpu)
            throw new InvalidOperationException($"map '{Map.Name}' is not per-CPU");
        if (count != Map.PossibleCpus)
            throw new ArgumentException($"map '{Map.Name}' has values for {Map.PossibleCpus} possible CPUs, not {count}");
    }
}
