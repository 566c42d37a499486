using System.Buffers.Binary;
using System.Numerics;
using SharpBpf.Core;

namespace SharpBpf.Runtime.Maps;

/// <summary>Receives one ring buffer record (valid only during the call).</summary>
public delegate void RingBufferCallback(ReadOnlySpan<byte> record);

/// <summary>
/// BPF_MAP_TYPE_RINGBUF (kernel/bpf/ringbuf.c): a multi-producer, single-consumer ring of
/// max_entries bytes (a power of two, page aligned). Each record has the kernel's 8-byte header
/// (length with BUSY and DISCARD bits, page offset) and is padded to 8 bytes. Programs reserve a
/// record, write it in place and submit or discard it; the host consumes committed records in
/// order, stopping at one still reserved, skipping discarded ones. As the kernel maps the data
/// pages twice so a record that wraps is contiguous, the data here is twice the ring's size and
/// a record never wraps inside it. Element operations from the host fail with ENOTSUPP.
/// </summary>
public sealed class RingBufferMap : UserMap
{
    /// <summary>BPF_RINGBUF_BUSY_BIT.</summary>
    public const uint BusyBit = 1u << 31;
    /// <summary>BPF_RINGBUF_DISCARD_BIT.</summary>
    public const uint DiscardBit = 1u << 30;
    /// <summary>BPF_RINGBUF_HDR_SZ.</summary>
    public const int HeaderSize = 8;

    private const int PageSize = 4096;
    private readonly int _mask;
    private long _producer;
    private long _consumer;

    /// <summary>Creates a ring of <paramref name="size"/> bytes; EINVAL unless a power of two and a multiple of 4096 with key and value sizes 0.</summary>
    public RingBufferMap(string name, int size, int keySize = 0, int valueSize = 0, uint flags = 0)
        : base(name, MapType.Ringbuf, keySize, valueSize, size, flags, 1)
    {
        if (keySize != 0 || valueSize != 0 || size <= 0 || !BitOperations.IsPow2(size) || size % PageSize != 0)
            throw new BpfMapException(MapErrno.EINVAL, $"map '{name}': a ring buffer's max_entries must be a power of 2 and a multiple of {PageSize} bytes, with key and value sizes 0");
        if (size > 1 << 29)
            throw new BpfMapException(MapErrno.E2BIG, $"map '{name}': ring of {size} bytes is too big");
        _mask = size - 1;
        Values = new byte[2 * size];
    }

    /// <summary>The ring's size in bytes.</summary>
    public int Size => _mask + 1;

    /// <summary>Bytes produced and not yet consumed (BPF_RB_AVAIL_DATA).</summary>
    public long AvailableData => Volatile.Read(ref _producer) - Volatile.Read(ref _consumer);

    /// <summary>The producer position (BPF_RB_PROD_POS).</summary>
    public long ProducerPosition => Volatile.Read(ref _producer);

    /// <summary>The consumer position (BPF_RB_CONS_POS).</summary>
    public long ConsumerPosition => Volatile.Read(ref _consumer);

    /// <inheritdoc/>
    public override int Count => 0;

    private protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value) => -MapErrno.ENOTSUPP;

    private protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int cpu) => -MapErrno.ENOTSUPP;

    private protected override int DeleteCore(ReadOnlySpan<byte> key) => -MapErrno.ENOTSUPP;

    private protected override int NextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey) => -MapErrno.ENOTSUPP;

    /// <summary>
    /// bpf_ringbuf_reserve: the offset in <see cref="UserMap.Values"/> of a new record's data, or -1
    /// when it does not fit (as the kernel returns NULL).
    /// </summary>
    internal int Reserve(ulong size)
    {
        if (size > (ulong)(Size - HeaderSize))
            return -1;
        long length = ((long)size + HeaderSize + 7) & ~7L;
        lock (Sync)
        {
            long start = _producer;
            if (start + length - Volatile.Read(ref _consumer) > _mask)
                return -1;
            int at = (int)(start & _mask);
            var header = Values.AsSpan(at, HeaderSize);
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)size | BusyBit);
            // pg_off: the header's distance in pages from the ring's start, as the kernel records it.
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(at / PageSize));
            Volatile.Write(ref _producer, start + length);
            return at + HeaderSize;
        }
    }

    /// <summary>bpf_ringbuf_submit / discard of the record whose data is at <paramref name="dataOffset"/>; false when no reserved record is there.</summary>
    internal bool Commit(long dataOffset, bool discard)
    {
        long at = dataOffset - HeaderSize;
        if (at < 0 || at > _mask)
            return false;
        ref uint length = ref System.Runtime.CompilerServices.Unsafe.As<byte, uint>(ref Values![(int)at]);
        uint header = Volatile.Read(ref length);
        if ((header & BusyBit) == 0)
            return false;
        Volatile.Write(ref length, (header & ~BusyBit) | (discard ? DiscardBit : 0));
        return true;
    }

    /// <summary>bpf_ringbuf_output: reserves, copies and submits; 0 or -ENOSPC (the kernel's -EAGAIN is for contention).</summary>
    internal int Output(ReadOnlySpan<byte> data)
    {
        int at = Reserve((ulong)data.Length);
        if (at < 0)
            return -MapErrno.ENOSPC;
        data.CopyTo(Values.AsSpan(at));
        Commit(at, discard: false);
        return 0;
    }

    /// <summary>
    /// Hands every committed record to <paramref name="callback"/> in order, up to the first one still
    /// reserved; discarded records are skipped. Returns the number of records handed over.
    /// </summary>
    public int Consume(RingBufferCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        int n = 0;
        while (true)
        {
            long consumer = Volatile.Read(ref _consumer);
            if (consumer >= Volatile.Read(ref _producer))
                return n;
            int at = (int)(consumer & _mask);
            uint header = Volatile.Read(ref System.Runtime.CompilerServices.Unsafe.As<byte, uint>(ref Values![at]));
            if ((header & BusyBit) != 0)
                return n;
            int size = (int)(header & ~(BusyBit | DiscardBit));
            if ((header & DiscardBit) == 0)
            {
                callback(Values.AsSpan(at + HeaderSize, size));
                n++;
            }
            Volatile.Write(ref _consumer, consumer + ((size + HeaderSize + 7) & ~7));
        }
    }

    /// <summary>Takes the next committed record (skipping discarded ones), or null when there is none.</summary>
    public byte[]? TryRead()
    {
        while (true)
        {
            long consumer = Volatile.Read(ref _consumer);
            if (consumer >= Volatile.Read(ref _producer))
                return null;
            int at = (int)(consumer & _mask);
            uint header = Volatile.Read(ref System.Runtime.CompilerServices.Unsafe.As<byte, uint>(ref Values![at]));
            if ((header & BusyBit) != 0)
                return null;
            int size = (int)(header & ~(BusyBit | DiscardBit));
            byte[]? record = (header & DiscardBit) == 0 ? Values.AsSpan(at + HeaderSize, size).ToArray() : null;
            Volatile.Write(ref _consumer, consumer + ((size + HeaderSize + 7) & ~7));
            if (record is not null)
                return record;
        }
    }
}
