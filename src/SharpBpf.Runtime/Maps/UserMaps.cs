using SharpBpf.Core;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Runtime.Maps;

/// <summary>Creates userspace maps from what an object file says (<see cref="MapSpec"/>) or from a map type.</summary>
public static class UserMaps
{
    /// <summary>
    /// Creates a map as <paramref name="spec"/> says, with its initial contents (global data) and,
    /// for read-only data (.rodata), frozen and read-only to programs as libbpf makes it. A perf
    /// event array without max_entries gets one slot per CPU. Throws
    /// <see cref="BpfMapException"/> (EINVAL) for a map type the runtime does not have.
    /// </summary>
    public static UserMap Create(MapSpec spec, int possibleCpus = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (possibleCpus <= 0)
            possibleCpus = Environment.ProcessorCount;
        int max = (int)spec.MaxEntries;
        if (spec.Type == MapType.PerfEventArray && max == 0)
            max = possibleCpus;
        uint flags = spec.Flags | (spec.ReadOnly ? UserMap.ReadOnlyProgramFlag : 0);
        var map = Create(spec.Name, spec.Type, (int)spec.KeySize, (int)spec.ValueSize, max, flags, possibleCpus);
        if (spec.Contents is { } contents && map is ArrayMap array)
        {
            if (contents.Length > array.ValueSize)
                throw new BpfMapException(MapErrno.E2BIG, $"contents of map '{spec.Name}' are {contents.Length} bytes, more than its {array.ValueSize}-byte value");
            contents.CopyTo(array.ValueAt(0));
        }
        if (spec.ReadOnly)
            map.Freeze();
        return map;
    }

    /// <summary>Creates a map of a type with the given sizes, as BPF_MAP_CREATE would (EINVAL for bad sizes or an unsupported type).</summary>
    public static UserMap Create(string name, MapType type, int keySize, int valueSize, int maxEntries, uint flags = 0, int possibleCpus = 0)
    {
        if (possibleCpus <= 0)
            possibleCpus = Environment.ProcessorCount;
        switch (type)
        {
            case MapType.Array:
            case MapType.PercpuArray:
                if (keySize != 4)
                    throw new BpfMapException(MapErrno.EINVAL, $"map '{name}': an array has 4-byte keys, not {keySize}");
                return new ArrayMap(name, valueSize, maxEntries, flags, type == MapType.PercpuArray, possibleCpus);
            case MapType.Hash:
            case MapType.PercpuHash:
            case MapType.LruHash:
            case MapType.LruPercpuHash:
                return new HashMap(name, type, keySize, valueSize, maxEntries, flags, possibleCpus);
            case MapType.LpmTrie:
                return new LpmTrieMap(name, keySize, valueSize, maxEntries, flags);
            case MapType.Queue:
            case MapType.Stack:
                return new QueueStackMap(name, type, valueSize, maxEntries, flags, keySize);
            case MapType.Ringbuf:
                return new RingBufferMap(name, maxEntries, keySize, valueSize, flags);
            case MapType.PerfEventArray:
                return new PerfEventArrayMap(name, maxEntries, keySize, valueSize, flags);
            case MapType.ProgArray:
                return new ProgramArrayMap(name, maxEntries, keySize, valueSize, flags);
            default:
                throw new BpfMapException(MapErrno.EINVAL, $"map '{name}': type {UapiNames.NameOf(type) ?? type.ToString()} is not supported by the userspace runtime");
        }
    }
}
