using System.Buffers.Binary;
using SharpBpf.Core;

namespace SharpBpf.Runtime.Maps;

/// <summary>
/// BPF_MAP_TYPE_PERF_EVENT_ARRAY (kernel/bpf/arraymap.c, bpf_perf_event_output): one event slot
/// per index (per CPU, by convention), each a bounded queue of samples. A slot is empty until the
/// host opens it (<see cref="Open"/>, as libbpf's perf buffer installs an event fd per CPU, or an
/// update of its index); output to an empty slot fails with ENOENT, past max_entries with E2BIG,
/// to a slot whose buffer is full with ENOSPC (the sample is counted as lost).
/// </summary>
public sealed class PerfEventArrayMap : UserMap
{
    private readonly Queue<byte[]>?[] _slots;
    private readonly long[] _queued;
    private readonly long[] _lost;
    private int _capacity = 64 * 4096;

    /// <summary>Creates the array; EINVAL unless keys and values are 4 bytes.</summary>
    public PerfEventArrayMap(string name, int maxEntries, int keySize = 4, int valueSize = 4, uint flags = 0)
        : base(name, MapType.PerfEventArray, keySize, valueSize, maxEntries, flags, 1)
    {
        if (keySize != 4 || valueSize != 4 || maxEntries <= 0)
            throw new BpfMapException(MapErrno.EINVAL, $"map '{name}': a perf event array has 4-byte keys and values and max_entries");
        _slots = new Queue<byte[]>?[maxEntries];
        _queued = new long[maxEntries];
        _lost = new long[maxEntries];
    }

    /// <inheritdoc/>
    public override int Count
    {
        get
        {
            lock (Sync)
                return _slots.Count(s => s is not null);
        }
    }

    /// <summary>Opens every slot with a buffer of <paramref name="bytesPerSlot"/> bytes (default 256 KiB).</summary>
    public void Open(int bytesPerSlot = 64 * 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerSlot);
        lock (Sync)
        {
            _capacity = bytesPerSlot;
            for (int i = 0; i < _slots.Length; i++)
                _slots[i] ??= new Queue<byte[]>();
        }
    }

    /// <summary>Samples lost at a slot because its buffer was full.</summary>
    public long LostSamples(int index)
    {
        lock (Sync)
            return _lost[index];
    }

    /// <summary>Takes every queued sample, in order per slot and by slot index: (slot, data).</summary>
    public List<(int Index, byte[] Data)> Drain()
    {
        var all = new List<(int, byte[])>();
        lock (Sync)
        {
            for (int i = 0; i < _slots.Length; i++)
            {
                if (_slots[i] is not { } q)
                    continue;
                while (q.TryDequeue(out var data))
                    all.Add((i, data));
                _queued[i] = 0;
            }
        }
        return all;
    }

    /// <summary>bpf_perf_event_output's map part: queue <paramref name="data"/> at a slot.</summary>
    internal int Output(uint index, ReadOnlySpan<byte> data)
    {
        lock (Sync)
        {
            if (index >= (uint)MaxEntries)
                return -MapErrno.E2BIG;
            if (_slots[index] is not { } q)
                return -MapErrno.ENOENT;
            if (_queued[index] + data.Length > _capacity)
            {
                _lost[index]++;
                return -MapErrno.ENOSPC;
            }
            q.Enqueue(data.ToArray());
            _queued[index] += data.Length;
            return 0;
        }
    }

    // Lookups from the host are not supported for perf event arrays (no map_lookup_elem_sys_only).
    private protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value) => -MapErrno.ENOTSUPP;

    private protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int cpu)
    {
        if (cpu >= 0)
            return -MapErrno.EINVAL;
        uint i = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (i >= (uint)MaxEntries)
            return -MapErrno.E2BIG;
        if (flags > 2)
            return -MapErrno.EINVAL;
        _slots[i] ??= new Queue<byte[]>();
        return 0;
    }

    private protected override int DeleteCore(ReadOnlySpan<byte> key)
    {
        uint i = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (i >= (uint)MaxEntries || _slots[i] is null)
            return -MapErrno.ENOENT;
        _slots[i] = null;
        _queued[i] = 0;
        return 0;
    }

    private protected override int NextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey) => ArrayKeys.Next(key, nextKey, MaxEntries);
}
