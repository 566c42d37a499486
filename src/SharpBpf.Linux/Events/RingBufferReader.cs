using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using SharpBpf.Core;
using SharpBpf.Core.Maps;

namespace SharpBpf.Linux.Events;

/// <summary>
/// Reads BPF ring buffers (BPF_MAP_TYPE_RINGBUF) as libbpf's ring_buffer does, without libbpf:
/// the consumer page is mapped read-write, the producer page and the data area read-only with
/// the data mapped twice, so a record that wraps around the end of the ring is still contiguous
/// (kernel/bpf/ringbuf.c, bpf_ringbuf_area_alloc). Records are handed to a callback as spans
/// over that memory (no copy), or copied out as typed values by <see cref="ReadAllAsync{T}"/>.
/// Several rings share one epoll instance (<see cref="Add"/>, libbpf's ring_buffer__add).
/// </summary>
/// <remarks>
/// <para>
/// The protocol (include/uapi/linux/bpf.h, kernel/bpf/ringbuf.c): each record starts with an
/// 8-byte header (BPF_RINGBUF_HDR_SZ) whose first word is the length with BPF_RINGBUF_BUSY_BIT
/// while the program still holds the reservation and BPF_RINGBUF_DISCARD_BIT when it discarded
/// it; records are 8-byte aligned. The producer position is loaded with acquire semantics, the
/// length word too, and the consumer position is stored with release semantics, which frees the
/// space and re-arms the kernel's wakeup (it notifies only when the consumer has caught up with
/// the record being committed, bpf_ringbuf_commit). libbpf stores it after every record; this
/// reader stores it every sixteenth of the ring and whenever it has caught up, which frees space
/// as surely and spares a busy producer a wakeup per record.
/// </para>
/// <para>
/// The kernel keeps no count of records dropped because the ring was full: bpf_ringbuf_reserve
/// returns NULL and bpf_ringbuf_output -EAGAIN to the program. A program that counts those
/// failures in an array map can name that map here (<c>dropCounter</c>) and
/// <see cref="ReadDropped"/> reads it.
/// </para>
/// <para>
/// <see cref="Poll"/>, <see cref="Consume"/> and <see cref="ReadAllAsync{T}"/> take turns: one
/// reading thread at a time, as with libbpf. <see cref="Dispose"/> may come from any thread and
/// wakes a blocked <see cref="Poll"/>, which then throws <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public sealed unsafe class RingBufferReader : IDisposable
{
    // include/uapi/linux/bpf.h: BPF_RINGBUF_BUSY_BIT, BPF_RINGBUF_DISCARD_BIT, BPF_RINGBUF_HDR_SZ.
    private const uint BusyBit = 1u << 31;
    private const uint DiscardBit = 1u << 30;
    private const uint HeaderSize = 8;

    private static readonly int PageSize = Environment.SystemPageSize;

    private readonly List<Ring> _rings = [];
    private readonly ReaderCore _core;
    private long _recordsRead;
    private long _discardedRecords;

    /// <summary>
    /// Opens a reader on <paramref name="map"/> (a ringbuf map), whose program may count the
    /// records it could not reserve in <paramref name="dropCounter"/> (see <see cref="Add"/>).
    /// The reader holds its own descriptors: <paramref name="map"/> may be disposed meanwhile.
    /// </summary>
    public RingBufferReader(KernelMap map, KernelMap? dropCounter = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        _core = new ReaderCore(this, Release);
        try
        {
            _core.Open();
            Add(map, dropCounter);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>How many ring buffers this reader reads.</summary>
    public int RingCount => _rings.Count;

    /// <summary>Records handed out so far (discarded ones not counted), counted as each reading call returns.</summary>
    public long RecordsRead => Volatile.Read(ref _recordsRead);

    /// <summary>Records the programs discarded (bpf_ringbuf_discard), skipped by the reader.</summary>
    public long DiscardedRecords => Volatile.Read(ref _discardedRecords);

    /// <summary>
    /// Adds another ring buffer to the same epoll instance (libbpf's ring_buffer__add) and
    /// returns its index, which the handler receives with each of its records.
    /// <paramref name="dropCounter"/>, when given, is an array or per-CPU array map whose element 0
    /// is a u64 the program increments when bpf_ringbuf_reserve or bpf_ringbuf_output fails;
    /// <see cref="ReadDropped"/> sums it.
    /// </summary>
    public int Add(KernelMap map, KernelMap? dropCounter = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type != MapType.Ringbuf)
            throw new ArgumentException($"{map} is not a ring buffer (ringbuf map)", nameof(map));
        if (dropCounter is not null && (dropCounter.Type is not (MapType.Array or MapType.PercpuArray) || dropCounter.KeySize != 4 || dropCounter.ValueSize < 8))
            throw new ArgumentException($"{dropCounter} cannot count drops: it must be an array or percpu_array with 4-byte keys and a u64 value", nameof(dropCounter));
        _core.Enter();
        try
        {
            int index = _rings.Count;
            var ring = Ring.Open(map, dropCounter);
            try
            {
                _core.Add(ring.Fd, (ulong)index, map.ToString());
            }
            catch
            {
                ring.Dispose();
                throw;
            }
            _rings.Add(ring);
            return index;
        }
        catch (BpfException e)
        {
            throw e.WithContext($"read {map}");
        }
        finally
        {
            _core.Exit();
        }
    }

    /// <summary>The size of ring <paramref name="ring"/>'s data area in bytes (the map's max_entries).</summary>
    public long Size(int ring = 0) => (long)_rings[ring].Size;

    /// <summary>Bytes written by the producers and not consumed yet in ring <paramref name="ring"/> (producer minus consumer position).</summary>
    public long AvailableBytes(int ring = 0)
    {
        var r = _rings[ring];
        using var lease = r.Acquire();
        return (long)(Volatile.Read(ref *r.ProducerPosition) - Volatile.Read(ref *r.ConsumerPosition));
    }

    /// <summary>
    /// The records the programs could not put in the rings, as their drop counters say (the sum
    /// over the rings added with one, over all CPUs for a per-CPU counter); null when no ring has a counter.
    /// </summary>
    public long? ReadDropped()
    {
        ObjectDisposedException.ThrowIf(_core.IsClosing, this);
        long? total = null;
        Span<byte> key = stackalloc byte[4];
        key.Clear();
        foreach (var ring in _rings)
        {
            if (ring.DropCounter is not { } counter)
                continue;
            var value = new byte[counter.ValueBufferSize];
            long sum = 0;
            if (counter.TryLookup(key, value))
            {
                int stride = counter.IsPerCpu ? BpfMapLayout.PerCpuStride(counter.ValueSize) : value.Length;
                for (int at = 0; at + 8 <= value.Length; at += stride)
                    sum += BitConverter.ToInt64(value, at);
            }
            total = (total ?? 0) + sum;
        }
        return total;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit) for
    /// records, then hands every record available in the rings that signalled to
    /// <paramref name="handler"/> (libbpf's ring_buffer__poll). Returns how many records it
    /// handled; 0 means the time ran out. Each call reads at most one ring's size of data per ring,
    /// so a producer faster than the handler cannot keep it from returning. Throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public int Poll(TimeSpan timeout, RingBufferRecordHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var calls = new DelegateHandler(handler);
        return Poll(timeout, ref calls, cancellationToken);
    }

    /// <summary>
    /// <see cref="Poll(TimeSpan, RingBufferRecordHandler, CancellationToken)"/> with a struct
    /// handler: compiled for <typeparamref name="THandler"/>, so its Handle is inlined into the
    /// read loop instead of called through a delegate; state it keeps stays in
    /// <paramref name="handler"/>.
    /// </summary>
    public int Poll<THandler>(TimeSpan timeout, ref THandler handler, CancellationToken cancellationToken = default)
        where THandler : struct, IRingBufferRecordHandler
    {
        long deadline = EventTimeouts.Deadline(timeout);
        _core.Enter();
        try
        {
            while (true)
            {
                int handled = 0;
                foreach (ulong ring in _core.Wait(deadline, cancellationToken))
                    handled += Process((int)ring, ref handler, int.MaxValue);
                // A wakeup with nothing to hand out (a record still BUSY, a spurious wakeup) waits again.
                if (handled > 0 || EventTimeouts.Expired(deadline))
                    return handled;
            }
        }
        finally
        {
            _core.Exit();
        }
    }

    /// <summary>Hands every record available now in every ring to <paramref name="handler"/>, without waiting (libbpf's ring_buffer__consume); returns how many.</summary>
    public int Consume(RingBufferRecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var calls = new DelegateHandler(handler);
        return Consume(ref calls);
    }

    /// <summary><see cref="Consume(RingBufferRecordHandler)"/> with a struct handler, inlined into the read loop.</summary>
    public int Consume<THandler>(ref THandler handler)
        where THandler : struct, IRingBufferRecordHandler
    {
        _core.Enter();
        try
        {
            _core.ThrowIfDisposed();
            int handled = 0;
            for (int i = 0; i < _rings.Count; i++)
                handled += Process(i, ref handler, int.MaxValue);
            return handled;
        }
        finally
        {
            _core.Exit();
        }
    }

    /// <summary>
    /// The records of all rings as values of <typeparamref name="T"/> (each record's first
    /// sizeof(T) bytes, copied out; a shorter record throws <see cref="InvalidDataException"/>),
    /// waiting for more when the rings are empty, until <paramref name="cancellationToken"/> is
    /// cancelled. The wait blocks a thread-pool thread in epoll_wait.
    /// </summary>
    public IAsyncEnumerable<T> ReadAllAsync<T>(CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_core.IsClosing, this);
        return RecordBatch<T>.ReadAllAsync(ToString(), Drain, _core.WaitForEvents, cancellationToken);
    }

    private void Drain<T>(RecordBatch<T> batch)
        where T : unmanaged
    {
        _core.Enter();
        try
        {
            _core.ThrowIfDisposed();
            var add = new BatchHandler<T>(batch);
            for (int i = 0; i < _rings.Count && !batch.IsFull; i++)
                Process(i, ref add, RecordBatch<T>.Capacity - batch.Count);
        }
        finally
        {
            _core.Exit();
        }
    }

    // The loop has no exception handler of its own (one would keep its variables out of
    // registers); when the handler throws, the record it was given is skipped here, as libbpf
    // stores the position past it before returning the error.
    private int Process<THandler>(int index, ref THandler handler, int maxRecords)
        where THandler : struct, IRingBufferRecordHandler
    {
        var ring = _rings[index];
        try
        {
            return Drain(ring, index, ref handler, maxRecords);
        }
        catch
        {
            _recordsRead += ring.HandledAtStore + SkipFailedRecord(ring);
            throw;
        }
    }

    // libbpf's ringbuf_process_ring, with a budget of one lap per call. The consumer position is
    // stored (release) every sixteenth of the ring and before returning, rather than after every
    // record: the space comes back in time, and a producer that does not see the consumer catch
    // up record by record does not queue a wakeup for each (bpf_ringbuf_commit wakes only when
    // the consumer position equals the committed record's).
    // Called once per Poll or Consume and looping long, it is compiled optimized at once rather
    // than left to on-stack replacement from unoptimized code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Drain<THandler>(Ring ring, int index, ref THandler handler, int maxRecords)
        where THandler : struct, IRingBufferRecordHandler
    {
        ulong* consumerPosition = ring.ConsumerPosition;
        ulong* producerPosition = ring.ProducerPosition;
        byte* data = ring.Data;
        ulong mask = ring.Size - 1;
        ulong largest = ring.Size - HeaderSize;
        ulong consumer = Volatile.Read(ref *consumerPosition);
        ulong lapEnd = consumer + ring.Size;
        ulong storeAt = consumer + ring.StoreInterval;
        ring.HandledAtStore = 0;
        ring.Handing = NotHanding;
        int handled = 0;
        ulong producer;
        while (consumer < (producer = Volatile.Read(ref *producerPosition)))
        {
            do
            {
                uint* header = (uint*)(data + (consumer & mask));
                uint length = Volatile.Read(ref *header);
                if ((length & BusyBit) != 0)
                    goto done; // not committed yet: the commit wakes us when we have caught up with it
                uint size = length & ~(BusyBit | DiscardBit);
                if (size > largest)
                    ThrowRecordTooLarge(ring, size, consumer);
                // A ring read behind its producer is read from memory, not cache: ask for the
                // header some records ahead (where it is when records are the same size, the
                // common case), which the hardware prefetcher does not do across pages. Harmless
                // when wrong or past the producer: a prefetch never faults.
                if (Sse.IsSupported)
                    Sse.Prefetch0(data + ((consumer + PrefetchRecords * RecordLength(length)) & mask));
                if ((length & DiscardBit) == 0)
                {
                    // Counted in a local and placed by a plain store: a field incremented per
                    // record would chain every iteration through memory (load, add, store).
                    handled++;
                    ring.Handing = consumer;
                    handler.Handle(index, new ReadOnlySpan<byte>(header + 2, (int)size));
                }
                else
                {
                    _discardedRecords++;
                }
                consumer += RecordLength(length);
                if (consumer >= storeAt)
                {
                    Volatile.Write(ref *consumerPosition, consumer);
                    ring.HandledAtStore = handled;
                    storeAt = consumer + ring.StoreInterval;
                }
                if (handled >= maxRecords || consumer >= lapEnd)
                    goto done;
            }
            while (consumer < producer);
            // Caught up: publish before looking for more, so the next commit sees it and wakes us.
            Volatile.Write(ref *consumerPosition, consumer);
            ring.HandledAtStore = handled;
        }
    done:
        Volatile.Write(ref *consumerPosition, consumer);
        _recordsRead += handled;
        return handled;
    }

    [DoesNotReturn]
    private static void ThrowRecordTooLarge(Ring ring, uint size, ulong position) =>
        throw new InvalidDataException($"{ring.Name}: record of {size} bytes at position {position} is larger than the ring");

    // The handler threw (or a record was too large): the records before were consumed, and the
    // last one handed out (the one that threw) counts as consumed too. The stored position may
    // lag (Drain stores in steps), so walk from it past that record; returns the records handed
    // out since the store.
    private static long SkipFailedRecord(Ring ring)
    {
        ulong last = ring.Handing;
        if (last == NotHanding)
            return 0;
        ulong* consumerPosition = ring.ConsumerPosition;
        ulong consumer = Volatile.Read(ref *consumerPosition);
        long handed = 0;
        while (consumer <= last)
        {
            uint length = Volatile.Read(ref *(uint*)(ring.Data + (consumer & (ring.Size - 1))));
            if ((length & DiscardBit) == 0)
                handed++;
            consumer += RecordLength(length);
        }
        Volatile.Write(ref *consumerPosition, consumer);
        return handed;
    }

    // How many records of the current one's size ahead Drain prefetches.
    private const ulong PrefetchRecords = 8;

    // Ring.Handing before Drain has handed out a record.
    private const ulong NotHanding = ulong.MaxValue;

    // The header and the data, 8-byte aligned (libbpf's roundup_len).
    private static ulong RecordLength(uint length) => ((length & ~(BusyBit | DiscardBit)) + HeaderSize + 7) & ~7UL;

    /// <summary>Calls a <see cref="RingBufferRecordHandler"/> delegate.</summary>
    private readonly struct DelegateHandler(RingBufferRecordHandler handler) : IRingBufferRecordHandler
    {
        public void Handle(int ring, ReadOnlySpan<byte> record) => handler(ring, record);
    }

    /// <summary>Copies records into a typed batch (ReadAllAsync).</summary>
    private readonly struct BatchHandler<T>(RecordBatch<T> batch) : IRingBufferRecordHandler
        where T : unmanaged
    {
        public void Handle(int ring, ReadOnlySpan<byte> record) => batch.Add(record);
    }

    /// <summary>
    /// Stops the reader: wakes a blocked <see cref="Poll"/> (which then throws
    /// <see cref="ObjectDisposedException"/>), closes the epoll instance and unmaps the rings, at
    /// once or, when a call is reading, as it returns.
    /// </summary>
    public void Dispose() => _core.Dispose();

    private void Release()
    {
        _core.DisposeEpoll();
        foreach (var ring in _rings)
            ring.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => _rings.Count switch
    {
        0 => "ring buffer reader",
        1 => $"ring buffer reader of {_rings[0].Name}",
        _ => $"ring buffer reader of {_rings[0].Name} and {_rings.Count - 1} more",
    };

    /// <summary>One ring: its own map descriptor, the two mappings, the optional drop counter.</summary>
    private sealed class Ring : IDisposable
    {
        private Ring(string name, ulong size, BpfFileDescriptor fd, MappedMemory consumer, MappedMemory producer, KernelMap? dropCounter)
        {
            Name = name;
            Size = size;
            Fd = fd;
            Consumer = consumer;
            Producer = producer;
            DropCounter = dropCounter;
        }

        public string Name { get; }

        public ulong Size { get; }

        public BpfFileDescriptor Fd { get; }

        public MappedMemory Consumer { get; }

        public MappedMemory Producer { get; }

        public KernelMap? DropCounter { get; }

        /// <summary>How far Drain reads between stores of the consumer position: a sixteenth of the ring.</summary>
        public ulong StoreInterval => Size / 16;

        /// <summary>Records Drain had handed out when it last stored the consumer position: counts them when a handler throws.</summary>
        public long HandledAtStore;

        /// <summary>The position of the record Drain last handed out (NotHanding: none in this call): places a handler's exception.</summary>
        public ulong Handing;

        public ulong* ConsumerPosition => (ulong*)Consumer.Address;

        public ulong* ProducerPosition => (ulong*)Producer.Address;

        public byte* Data => (byte*)Producer.Address + PageSize;

        public static Ring Open(KernelMap map, KernelMap? dropCounter)
        {
            var size = (ulong)(uint)map.MaxEntries;
            var fd = map.Fd.Duplicate();
            MappedMemory? consumer = null;
            MappedMemory? producer = null;
            KernelMap? counter = null;
            try
            {
                // ringbuf_map_mmap_kern: only the consumer page may be writable; the rest is mapped
                // from the producer page on, with the data pages twice (remap_vmalloc_range checks the size).
                consumer = MappedMemory.Map(fd, 0, (nuint)PageSize, writable: true, $"consumer page of {map}");
                producer = MappedMemory.Map(fd, PageSize, (nuint)PageSize + 2 * (nuint)size, writable: false, $"producer page and data of {map}");
                counter = dropCounter is null ? null : KernelMap.FromFd(dropCounter.Fd.Duplicate());
                return new Ring(map.ToString(), size, fd, consumer, producer, counter);
            }
            catch
            {
                counter?.Dispose();
                producer?.Dispose();
                consumer?.Dispose();
                fd.Dispose();
                throw;
            }
        }

        /// <summary>Keeps both mappings until disposed (throws <see cref="ObjectDisposedException"/> once the reader is disposed).</summary>
        public MappingLease Acquire() => new(Consumer, Producer);

        public void Dispose()
        {
            Consumer.Dispose();
            Producer.Dispose();
            Fd.Dispose();
            DropCounter?.Dispose();
        }
    }

    private readonly ref struct MappingLease
    {
        private readonly MappedMemory _consumer;
        private readonly MappedMemory _producer;

        public MappingLease(MappedMemory consumer, MappedMemory producer)
        {
            bool added = false;
            consumer.DangerousAddRef(ref added);
            try
            {
                added = false;
                producer.DangerousAddRef(ref added);
            }
            catch
            {
                consumer.DangerousRelease();
                throw;
            }
            _consumer = consumer;
            _producer = producer;
        }

        public void Dispose()
        {
            _producer.DangerousRelease();
            _consumer.DangerousRelease();
        }
    }
}
