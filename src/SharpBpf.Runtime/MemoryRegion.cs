namespace SharpBpf.Runtime;

/// <summary>
/// One addressable window of managed memory: <see cref="Length"/> bytes of <see cref="Data"/> from
/// <see cref="Start"/>. Programs see it at a virtual address whose high 32 bits are the region's
/// index in its <see cref="MemoryMap"/> and low 32 bits the offset, so an address never reveals
/// or reaches host memory.
/// </summary>
public readonly struct MemoryRegion
{
    internal MemoryRegion(byte[] data, int start, int length, MemoryRegionKind kind, bool writable)
    {
        Data = data;
        Start = start;
        Length = length;
        Kind = kind;
        Writable = writable;
    }

    /// <summary>The backing array.</summary>
    public byte[] Data { get; }

    /// <summary>Where the region starts in <see cref="Data"/>.</summary>
    public int Start { get; }

    /// <summary>The region's size in bytes.</summary>
    public int Length { get; }

    /// <summary>What the region holds.</summary>
    public MemoryRegionKind Kind { get; }

    /// <summary>Whether programs may store to it.</summary>
    public bool Writable { get; }

    /// <summary>The region's bytes.</summary>
    public Span<byte> Span => Data.AsSpan(Start, Length);
}
