using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.Core.Maps;

namespace SharpBpf.Runtime.Maps;

/// <summary>
/// BPF_MAP_TYPE_ARRAY and PERCPU_ARRAY (kernel/bpf/arraymap.c): u32 keys 0..max_entries-1, every
/// element always present and zero-initialised. Updates with BPF_NOEXIST fail with EEXIST, an
/// index out of range with E2BIG, deletes with EINVAL. Also the global data maps
/// (.data/.rodata/.bss): one element holding the section.
/// </summary>
public sealed class ArrayMap : UserMap
{
    /// <summary>Creates an array; key size must be 4 and value size non-zero (else EINVAL, as BPF_MAP_CREATE).</summary>
    public ArrayMap(string name, int valueSize, int maxEntries, uint flags = 0, bool perCpu = false, int possibleCpus = 1)
        : base(name, perCpu ? MapType.PercpuArray : MapType.Array, 4, valueSize, maxEntries, flags, possibleCpus)
    {
        if (valueSize == 0 || maxEntries == 0)
            throw new BpfMapException(MapErrno.EINVAL, $"map '{name}': an array needs a value size and max_entries");
        if ((long)ElementSize * maxEntries > int.MaxValue / 2)
            throw new BpfMapException(MapErrno.E2BIG, $"map '{name}': {maxEntries} elements of {ElementSize} bytes is too big");
        Values = new byte[ElementSize * maxEntries];
        ReadOnlyForPrograms = (flags & ReadOnlyProgramFlag) != 0;
    }

    /// <inheritdoc/>
    public override int Count => MaxEntries;

    /// <summary>The whole value of element <paramref name="index"/> (one CPU's for per-CPU arrays), for hosts that share memory with programs.</summary>
    public Span<byte> ValueAt(int index, int cpu = 0)
    {
        if ((uint)index >= (uint)MaxEntries)
            throw new ArgumentOutOfRangeException(nameof(index));
        return Values.AsSpan(index * ElementSize + CpuSlot(cpu) * Stride, ValueSize);
    }

    private static bool TryIndex(ReadOnlySpan<byte> key, int max, out int index)
    {
        uint i = BinaryPrimitives.ReadUInt32LittleEndian(key);
        index = (int)i;
        return i < (uint)max;
    }

    private protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        if (!TryIndex(key, MaxEntries, out int i))
            return -MapErrno.ENOENT;
        ReadValue(i * ElementSize, value);
        return 0;
    }

    // array_map_update_elem: flags above BPF_EXIST are EINVAL; an index past the end E2BIG; every element exists.
    private protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int cpu)
    {
        if (!ValidUpdateFlags(flags))
            return -MapErrno.EINVAL;
        if (!TryIndex(key, MaxEntries, out int i))
            return -MapErrno.E2BIG;
        if (flags == (ulong)MapUpdateFlags.NoExist)
            return -MapErrno.EEXIST;
        WriteValue(i * ElementSize, value, cpu < 0 ? -1 : CpuSlot(cpu), clearOthers: false);
        return 0;
    }

    private protected override int DeleteCore(ReadOnlySpan<byte> key) => -MapErrno.EINVAL;

    private protected override int NextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey) => ArrayKeys.Next(key, nextKey, MaxEntries);

    internal override int ProgramLookup(ReadOnlySpan<byte> key, int cpu) =>
        TryIndex(key, MaxEntries, out int i) ? i * ElementSize + CpuSlot(cpu) * Stride : -1;
}
