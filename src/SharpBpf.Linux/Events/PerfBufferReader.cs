using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Events;

/// <summary>
/// Reads a perf event array (BPF_MAP_TYPE_PERF_EVENT_ARRAY) as libbpf's perf_buffer does, without
/// libbpf: one software event (PERF_COUNT_SW_BPF_OUTPUT, PERF_SAMPLE_RAW) per CPU, its fd stored
/// in the array at the CPU's index, its buffer mapped read-write (1 + 2^n pages), all of them in
/// one epoll instance. Samples are handed to a callback as spans over the buffer (a sample that
/// wraps around the buffer's end is first copied into a scratch buffer), or copied out as typed
/// values by <see cref="ReadAllAsync{T}"/>. Lost samples (PERF_RECORD_LOST) are counted per CPU.
/// </summary>
/// <remarks>
/// The protocol (include/uapi/linux/perf_event.h, struct perf_event_mmap_page): data_head is
/// loaded with acquire semantics, records (8-byte aligned, a perf_event_header first) are read up
/// to it, and data_tail is stored with release semantics, which hands the space back; the
/// writable mapping tells the kernel not to overwrite unread data but to count what does not fit.
/// One reading thread at a time; <see cref="Dispose"/> may come from any thread, removes the
/// events from the array (as libbpf does) and wakes a blocked <see cref="Poll"/>.
/// </remarks>
public sealed unsafe class PerfBufferReader : IDisposable
{
    // include/uapi/linux/perf_event.h.
    private const uint PerfTypeSoftware = 1;
    private const ulong PerfCountSwBpfOutput = 10;
    private const ulong PerfSampleTime = 1u << 2;
    private const ulong PerfSampleRaw = 1u << 10;
    private const uint PerfRecordLost = 2;
    private const uint PerfRecordSample = 9;

    private static readonly int PageSize = Environment.SystemPageSize;

    private readonly KernelMap _map;
    private readonly List<CpuBuffer> _buffers = [];
    private readonly bool _timestamps;
    private readonly ReaderCore _core;
    private byte[] _scratch = [];
    private long _samplesRead;
    private long _lostSamples;

    /// <summary>
    /// Opens a buffer per CPU for <paramref name="map"/> (a perf_event_array map) and stores the
    /// events in it. The reader holds its own descriptor of the map: <paramref name="map"/> may be
    /// disposed meanwhile.
    /// </summary>
    public PerfBufferReader(KernelMap map, PerfBufferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        options ??= new PerfBufferOptions();
        if (map.Type != MapType.PerfEventArray)
            throw new ArgumentException($"{map} is not a perf event array (perf_event_array map)", nameof(map));
        if (options.PagesPerCpu <= 0 || !int.IsPow2(options.PagesPerCpu))
            throw new ArgumentException($"PagesPerCpu must be a power of two, not {options.PagesPerCpu}", nameof(options));
        var cpus = options.Cpus ?? DefaultCpus(map.MaxEntries);
        var indexes = options.MapIndexes ?? cpus;
        if (indexes.Count != cpus.Count)
            throw new ArgumentException($"{cpus.Count} CPUs but {indexes.Count} map indexes", nameof(options));
        if (cpus.Count == 0)
            throw new ArgumentException($"no CPU to read: {map} has max_entries {map.MaxEntries}", nameof(options));
        foreach (int index in indexes)
        {
            if ((uint)index >= (uint)map.MaxEntries)
                throw new ArgumentException($"index {index} is outside {map} (max_entries {map.MaxEntries})", nameof(options));
        }

        _timestamps = options.Timestamps;
        _core = new ReaderCore(this, Release);
        _map = KernelMap.FromFd(map.Fd.Duplicate());
        try
        {
            _core.Open();
            for (int i = 0; i < cpus.Count; i++)
            {
                var buffer = CpuBuffer.Open(map, cpus[i], indexes[i], options);
                _buffers.Add(buffer);
                _map.Update(BitConverter.GetBytes(indexes[i]), BitConverter.GetBytes(buffer.Fd.Value));
                _core.Add(buffer.Fd, (ulong)i, $"perf event of CPU {cpus[i]}");
            }
        }
        catch (BpfException e)
        {
            Dispose();
            throw e.WithContext($"read {map}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The CPUs read, in buffer order.</summary>
    public IReadOnlyList<int> Cpus => [.. _buffers.Select(b => b.Cpu)];

    /// <summary>Samples handed out so far.</summary>
    public long SamplesRead => Volatile.Read(ref _samplesRead);

    /// <summary>Samples the kernel reported lost (PERF_RECORD_LOST) so far, over all CPUs.</summary>
    public long LostSamples => Volatile.Read(ref _lostSamples);

    /// <summary>Samples reported lost so far on <paramref name="cpu"/>'s buffer.</summary>
    public long LostSamplesOnCpu(int cpu)
    {
        long lost = 0;
        foreach (var buffer in _buffers)
        {
            if (buffer.Cpu == cpu)
                lost += Volatile.Read(ref buffer.Lost);
        }
        return lost;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit) for
    /// samples, then reads every record in the buffers that signalled (libbpf's perf_buffer__poll):
    /// samples to <paramref name="onSample"/>, lost-sample records to <paramref name="onLost"/>.
    /// Returns how many samples it handled: 0 when the time ran out, or when only lost-sample
    /// records came. Throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public int Poll(TimeSpan timeout, PerfSampleHandler onSample, Action<PerfLostRecord>? onLost = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onSample);
        long deadline = EventTimeouts.Deadline(timeout);
        _core.Enter();
        try
        {
            while (true)
            {
                int handled = 0;
                bool lost = false;
                foreach (ulong buffer in _core.Wait(deadline, cancellationToken))
                    handled += Process(_buffers[(int)buffer], onSample, onLost, int.MaxValue, ref lost);
                if (handled > 0 || lost || EventTimeouts.Expired(deadline))
                    return handled;
            }
        }
        finally
        {
            _core.Exit();
        }
    }

    /// <summary>Reads every record in every buffer now, without waiting (libbpf's perf_buffer__consume); returns how many samples it handled.</summary>
    public int Consume(PerfSampleHandler onSample, Action<PerfLostRecord>? onLost = null)
    {
        ArgumentNullException.ThrowIfNull(onSample);
        _core.Enter();
        try
        {
            _core.ThrowIfDisposed();
            int handled = 0;
            bool lost = false;
            foreach (var buffer in _buffers)
                handled += Process(buffer, onSample, onLost, int.MaxValue, ref lost);
            return handled;
        }
        finally
        {
            _core.Exit();
        }
    }

    /// <summary>
    /// The samples of all CPUs as values of <typeparamref name="T"/> (each sample's first
    /// sizeof(T) bytes, copied out; a shorter sample throws <see cref="InvalidDataException"/>),
    /// waiting for more when the buffers are empty, until <paramref name="cancellationToken"/> is
    /// cancelled. Lost samples are counted (<see cref="LostSamples"/>), not yielded. The wait
    /// blocks a thread-pool thread in epoll_wait.
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
            PerfSampleHandler add = sample => batch.Add(sample.Data);
            bool lost = false;
            for (int i = 0; i < _buffers.Count && !batch.IsFull; i++)
                Process(_buffers[i], add, null, RecordBatch<T>.Capacity - batch.Count, ref lost);
        }
        finally
        {
            _core.Exit();
        }
    }

    // libbpf's perf_event_read_simple and perf_buffer__process_record.
    private int Process(CpuBuffer buffer, PerfSampleHandler onSample, Action<PerfLostRecord>? onLost, int maxSamples, ref bool lost)
    {
        var page = (PerfEventMmapPage*)buffer.Memory.Address;
        ulong head = Volatile.Read(ref page->DataHead);
        ulong tail = page->DataTail;
        byte* data = (byte*)page + buffer.DataOffset;
        ulong size = buffer.DataSize;
        int handled = 0;
        try
        {
            while (tail < head && handled < maxSamples)
            {
                ulong offset = tail & (size - 1);
                int recordSize = ((PerfEventHeader*)(data + offset))->Size;
                if (recordSize < sizeof(PerfEventHeader))
                    ThrowBadRecord(buffer, $"record of {recordSize} bytes at position {tail}");
                var record = offset + (ulong)recordSize <= size
                    ? new ReadOnlySpan<byte>(data + offset, recordSize)
                    : Unwrap(data, offset, size, recordSize);
                tail += (ulong)recordSize;
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(record);
                if (type == PerfRecordSample)
                {
                    // PERF_SAMPLE_TIME comes before PERF_SAMPLE_RAW (perf_output_sample's order).
                    int at = sizeof(PerfEventHeader);
                    ulong time = 0;
                    if (_timestamps)
                    {
                        time = Read<ulong>(record, at, buffer);
                        at += sizeof(ulong);
                    }
                    uint rawSize = Read<uint>(record, at, buffer);
                    at += sizeof(uint);
                    if (rawSize > (uint)(record.Length - at))
                        ThrowBadRecord(buffer, $"sample of {rawSize} bytes in a {recordSize}-byte record");
                    handled++;
                    onSample(new PerfSample(buffer.Cpu, buffer.MapIndex, time, record.Slice(at, (int)rawSize)));
                }
                else if (type == PerfRecordLost)
                {
                    // struct { perf_event_header; u64 id; u64 lost; } (perf_event_lost).
                    ulong id = Read<ulong>(record, 8, buffer);
                    ulong count = Read<ulong>(record, 16, buffer);
                    Interlocked.Add(ref buffer.Lost, (long)count);
                    Interlocked.Add(ref _lostSamples, (long)count);
                    lost = true;
                    onLost?.Invoke(new PerfLostRecord(buffer.Cpu, buffer.MapIndex, count, id));
                }
                // Other record types do not occur for PERF_COUNT_SW_BPF_OUTPUT; skipped like libbpf.
            }
            return handled;
        }
        finally
        {
            // Also when a handler throws: its record counts as read.
            Volatile.Write(ref page->DataTail, tail);
            Volatile.Write(ref _samplesRead, _samplesRead + handled);
        }
    }

    private T Read<T>(ReadOnlySpan<byte> record, int at, CpuBuffer buffer)
        where T : unmanaged
    {
        if (at + Unsafe.SizeOf<T>() > record.Length)
            ThrowBadRecord(buffer, $"{record.Length}-byte record is too short");
        return MemoryMarshal.Read<T>(record[at..]);
    }

    [DoesNotReturn]
    private void ThrowBadRecord(CpuBuffer buffer, string detail) =>
        throw new InvalidDataException($"{this}: CPU {buffer.Cpu}: {detail}");

    // A record that runs past the end of the buffer continues at its start: join the two parts.
    private ReadOnlySpan<byte> Unwrap(byte* data, ulong offset, ulong size, int recordSize)
    {
        if (_scratch.Length < recordSize)
            _scratch = new byte[Math.Max(recordSize, 2 * _scratch.Length)];
        int first = (int)(size - offset);
        new ReadOnlySpan<byte>(data + offset, first).CopyTo(_scratch);
        new ReadOnlySpan<byte>(data, recordSize - first).CopyTo(_scratch.AsSpan(first));
        return _scratch.AsSpan(0, recordSize);
    }

    private static int[] DefaultCpus(int maxEntries) => [.. LinuxKernel.OnlineCpus().Where(cpu => cpu < maxEntries)];

    /// <summary>
    /// Stops the reader: removes its events from the array (later bpf_perf_event_output calls
    /// fail with ENOENT), wakes a blocked <see cref="Poll"/> (which then throws
    /// <see cref="ObjectDisposedException"/>), closes the events and the epoll instance and
    /// unmaps the buffers, at once or, when a call is reading, as it returns.
    /// </summary>
    public void Dispose() => _core.Dispose();

    private void Release()
    {
        foreach (var buffer in _buffers)
        {
            try
            {
                _map.Delete(BitConverter.GetBytes(buffer.MapIndex));
            }
            catch (BpfException)
            {
                // Best effort, as libbpf's perf_buffer__free: the slot is freed with the map anyway.
            }
            buffer.Dispose();
        }
        _core.DisposeEpoll();
        _map.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"perf buffer reader of {_map}";

    /// <summary>One CPU's event: its fd, its mapped buffer, its lost count.</summary>
    private sealed class CpuBuffer : IDisposable
    {
        public long Lost;

        private CpuBuffer(int cpu, int mapIndex, BpfFileDescriptor fd, MappedMemory memory, ulong dataOffset, ulong dataSize)
        {
            Cpu = cpu;
            MapIndex = mapIndex;
            Fd = fd;
            Memory = memory;
            DataOffset = dataOffset;
            DataSize = dataSize;
        }

        public int Cpu { get; }

        public int MapIndex { get; }

        public BpfFileDescriptor Fd { get; }

        public MappedMemory Memory { get; }

        public ulong DataOffset { get; }

        public ulong DataSize { get; }

        // libbpf's perf_buffer__open_cpu_buf: perf_event_open on the CPU, mmap, PERF_EVENT_IOC_ENABLE.
        public static CpuBuffer Open(KernelMap map, int cpu, int mapIndex, PerfBufferOptions options)
        {
            var attr = new PerfEventAttr
            {
                Size = (uint)sizeof(PerfEventAttr),
                Type = PerfTypeSoftware,
                Config = PerfCountSwBpfOutput,
                SampleType = PerfSampleRaw | (options.Timestamps ? PerfSampleTime : 0),
                SamplePeriod = 1,
                WakeupEvents = options.WakeupEvents,
            };
            int fd = Libc.PerfEventOpen(&attr, -1, cpu, -1, Libc.PerfFlagFdCloexec);
            if (fd < 0)
                throw new BpfException($"perf_event_open of a bpf_output event on CPU {cpu}", (Errno)Marshal.GetLastPInvokeError());
            var handle = new BpfFileDescriptor(fd);
            MappedMemory? memory = null;
            try
            {
                nuint length = (nuint)PageSize * (nuint)(1 + options.PagesPerCpu);
                memory = MappedMemory.Map(handle, 0, length, writable: true, $"perf buffer of CPU {cpu} for {map}");
                if (Libc.Ioctl(fd, Libc.PerfEventIocEnable, 0) < 0)
                    throw new BpfException($"enable the perf event of CPU {cpu}", (Errno)Marshal.GetLastPInvokeError());
                var page = (PerfEventMmapPage*)memory.Address;
                // data_offset and data_size exist since Linux 4.1; before, the data follows the first page.
                ulong dataOffset = page->DataOffset != 0 ? page->DataOffset : (ulong)PageSize;
                ulong dataSize = page->DataSize != 0 ? page->DataSize : (ulong)PageSize * (ulong)options.PagesPerCpu;
                return new CpuBuffer(cpu, mapIndex, handle, memory, dataOffset, dataSize);
            }
            catch
            {
                memory?.Dispose();
                handle.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            Fd.Dispose();
            Memory.Dispose();
        }
    }
}
