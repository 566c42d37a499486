using System.Runtime.CompilerServices;

namespace SharpBpf.Runtime;

/// <summary>
/// The address space of a program run: a table of <see cref="MemoryRegion"/>s. Address
/// <c>(index &lt;&lt; 32) | offset</c> names byte <c>offset</c> of region <c>index</c>. Region 0 is
/// null; every access is checked against the region's length and writability, so a program can
/// only ever touch the arrays it was given.
/// </summary>
public sealed class MemoryMap
{
    /// <summary>Bytes of stack per call frame (kernel: MAX_BPF_STACK).</summary>
    public const int StackPerFrame = 512;

    /// <summary>Deepest bpf-to-bpf call chain, counting the entry frame (kernel: MAX_CALL_FRAMES).</summary>
    public const int MaxFrames = 8;

    /// <summary>Index of the stack region.</summary>
    public const int StackIndex = 1;

    private MemoryRegion[] _regions;
    private int _count;
    private readonly int _fixedCount;
    private HelperContext? _helperContext;

    /// <summary>Creates a map with the null region and a stack for <see cref="MaxFrames"/> frames.</summary>
    public MemoryMap()
    {
        _regions = new MemoryRegion[8];
        _regions[0] = new MemoryRegion([], 0, 0, MemoryRegionKind.Null, false);
        _regions[StackIndex] = new MemoryRegion(new byte[StackPerFrame * MaxFrames], 0, StackPerFrame * MaxFrames,
            MemoryRegionKind.Stack, true);
        _count = 2;
        _fixedCount = 2;
    }

    /// <summary>The address one past the top of the whole stack (r10 of the entry frame).</summary>
    public static ulong StackTop => ((ulong)StackIndex << 32) | (StackPerFrame * MaxFrames);

    /// <summary>The context helpers called in runs over this map receive.</summary>
    public HelperContext HelperContext => _helperContext ??= new HelperContext(this);

    /// <summary>The regions, indexed by the high 32 bits of an address.</summary>
    internal MemoryRegion[] Regions => _regions;

    /// <summary>The number of regions in use.</summary>
    public int Count => _count;

    /// <summary>The region at an index.</summary>
    public MemoryRegion this[int index] => (uint)index < (uint)_count ? _regions[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Maps a whole array; returns the address of its first byte.</summary>
    public ulong Add(byte[] data, MemoryRegionKind kind, bool writable = true) => Add(data, 0, data.Length, kind, writable);

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="data"/> from <paramref name="start"/>.</summary>
    public ulong Add(byte[] data, int start, int length, MemoryRegionKind kind, bool writable = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (start < 0 || length < 0 || (long)start + length > data.Length)
            throw new ArgumentOutOfRangeException(nameof(length), "region outside its array");
        if (_count == _regions.Length)
            Array.Resize(ref _regions, _count * 2);
        _regions[_count] = new MemoryRegion(data, start, length, kind, writable);
        return (ulong)_count++ << 32;
    }

    /// <summary>Drops every region added since construction (keeps null and stack).</summary>
    public void Reset()
    {
        Array.Clear(_regions, _fixedCount, _count - _fixedCount);
        _count = _fixedCount;
    }

    /// <summary>
    /// <see cref="Reset"/> then <see cref="Add(byte[], MemoryRegionKind, bool)"/> of a writable packet
    /// region, skipping both when the map already holds exactly that (the common case of running
    /// a program over and over on the same buffer).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong ResetToPacket(byte[] data)
    {
        if (_count == _fixedCount + 1)
        {
            ref readonly var r = ref _regions[_fixedCount];
            if (ReferenceEquals(r.Data, data) && r.Start == 0 && r.Length == data.Length && r.Kind == MemoryRegionKind.Packet && r.Writable)
                return (ulong)_fixedCount << 32;
        }
        Reset();
        return Add(data, MemoryRegionKind.Packet);
    }

    /// <summary>Clears the stack (a fresh run sees zeroes, not the last run's data).</summary>
    public void ClearStack() => Array.Clear(_regions[StackIndex].Data);

    /// <summary>Finds the bytes at an address; false if any of them is unmapped or (for writes) read-only.</summary>
    public bool TryGetSpan(ulong address, int size, bool write, out Span<byte> span)
    {
        uint index = (uint)(address >> 32);
        uint offset = (uint)address;
        if (index < (uint)_count && size >= 0)
        {
            ref readonly var r = ref _regions[index];
            if ((ulong)offset + (uint)size <= (uint)r.Length && (!write || r.Writable))
            {
                span = r.Data.AsSpan(r.Start + (int)offset, size);
                return true;
            }
        }
        span = default;
        return false;
    }

    /// <summary>The kind of region an address falls in, or null if unmapped.</summary>
    public MemoryRegionKind? KindOf(ulong address)
    {
        uint index = (uint)(address >> 32);
        return index < (uint)_count ? _regions[index].Kind : null;
    }

    /// <summary>Describes an address for error messages: <c>stack+0x1f8</c>, <c>unmapped 0x...</c>.</summary>
    public string Describe(ulong address)
    {
        uint index = (uint)(address >> 32);
        if (index == 0 && address < 0x10000)
            return $"0x{address:x} (null region)";
        if (index < (uint)_count)
            return $"0x{address:x} ({_regions[index].Kind.ToString().ToLowerInvariant()} region {index}+0x{(uint)address:x}, size {_regions[index].Length})";
        return $"0x{address:x} (unmapped)";
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong AddressOf(int index, uint offset) => ((ulong)(uint)index << 32) | offset;
}
