using SharpBpf.Core;
using SharpBpf.Core.Maps;

namespace SharpBpf.Runtime.Maps;

/// <summary>
/// BPF_MAP_TYPE_HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH (kernel/bpf/hashtab.c) over
/// max_entries preallocated elements: a bucket array with chains, a free list, and for the LRU
/// types a recency list. BPF_NOEXIST on a present key fails with EEXIST, BPF_EXIST on an absent
/// one with ENOENT, a new key in a full map with E2BIG; an LRU map instead evicts its least
/// recently used element (a program's lookup or update makes an element recent; the host's
/// lookups do not, as the kernel's syscall path does not set the reference bit). Iteration
/// visits buckets in order; a key that is absent restarts from the first key, as
/// htab_map_get_next_key does.
/// </summary>
public sealed class HashMap : UserMap
{
    private readonly byte[] _keys;
    private readonly int[] _buckets;   // head slot + 1, 0 = empty
    private readonly int[] _next;      // chain: next slot + 1
    private readonly int[] _bucketOf;  // slot -> bucket, -1 when free
    private readonly int[] _free;
    private int _freeCount;
    private int _count;
    // LRU: a doubly linked list of slots, most recent first (-1 ends).
    private readonly int[]? _newer;
    private readonly int[]? _older;
    private int _mostRecent = -1;
    private int _leastRecent = -1;

    /// <summary>Creates a hash map of <paramref name="type"/> (HASH, PERCPU_HASH, LRU_HASH or LRU_PERCPU_HASH).</summary>
    public HashMap(string name, MapType type, int keySize, int valueSize, int maxEntries, uint flags = 0, int possibleCpus = 1)
        : base(name, type, keySize, valueSize, maxEntries, flags, possibleCpus)
    {
        if (type is not (MapType.Hash or MapType.PercpuHash or MapType.LruHash or MapType.LruPercpuHash))
            throw new ArgumentException($"{type} is not a hash map type", nameof(type));
        if (keySize == 0 || valueSize == 0 || maxEntries == 0)
            throw new BpfMapException(MapErrno.EINVAL, $"map '{name}': a hash map needs key and value sizes and max_entries");
        if ((long)ElementSize * maxEntries > int.MaxValue / 2 || (long)keySize * maxEntries > int.MaxValue / 2)
            throw new BpfMapException(MapErrno.E2BIG, $"map '{name}': {maxEntries} elements is too big");
        Values = new byte[ElementSize * maxEntries];
        _keys = new byte[keySize * maxEntries];
        _buckets = new int[(int)Math.Min(1u << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)maxEntries))];
        _next = new int[maxEntries];
        _bucketOf = new int[maxEntries];
        _free = new int[maxEntries];
        for (int i = 0; i < maxEntries; i++)
        {
            _bucketOf[i] = -1;
            _free[i] = maxEntries - 1 - i; // slot 0 first
        }
        _freeCount = maxEntries;
        if (IsLru)
        {
            _newer = new int[maxEntries];
            _older = new int[maxEntries];
        }
        ReadOnlyForPrograms = (flags & ReadOnlyProgramFlag) != 0;
    }

    /// <summary>Whether this is an LRU map.</summary>
    public bool IsLru => Type is MapType.LruHash or MapType.LruPercpuHash;

    /// <inheritdoc/>
    public override int Count => Volatile.Read(ref _count);

    private Span<byte> KeyAt(int slot) => _keys.AsSpan(slot * KeySize, KeySize);

    private int Find(ReadOnlySpan<byte> key, out int bucket)
    {
        bucket = (int)(KeyHash.Of(key) & (uint)(_buckets.Length - 1));
        for (int s = _buckets[bucket] - 1; s >= 0; s = _next[s] - 1)
        {
            if (KeyAt(s).SequenceEqual(key))
                return s;
        }
        return -1;
    }

    private protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        int s = Find(key, out _);
        if (s < 0)
            return -MapErrno.ENOENT;
        ReadValue(s * ElementSize, value);
        return 0;
    }

    private protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int cpu)
    {
        if (!ValidUpdateFlags(flags))
            return -MapErrno.EINVAL;
        int s = Find(key, out int bucket);
        if (s >= 0)
        {
            if (flags == (ulong)MapUpdateFlags.NoExist)
                return -MapErrno.EEXIST;
            WriteValue(s * ElementSize, value, cpu < 0 ? -1 : CpuSlot(cpu), clearOthers: false);
            Touch(s);
            return 0;
        }
        if (flags == (ulong)MapUpdateFlags.Exist)
            return -MapErrno.ENOENT;
        if (_freeCount == 0)
        {
            if (!IsLru)
                return -MapErrno.E2BIG;
            Remove(_leastRecent);
            bucket = (int)(KeyHash.Of(key) & (uint)(_buckets.Length - 1));
        }
        s = _free[--_freeCount];
        key.CopyTo(KeyAt(s));
        // A program's write of a new per-CPU element zeroes the other CPUs' values (pcpu_init_value).
        WriteValue(s * ElementSize, value, cpu < 0 ? -1 : CpuSlot(cpu), clearOthers: true);
        _next[s] = _buckets[bucket];
        _buckets[bucket] = s + 1;
        _bucketOf[s] = bucket;
        _count++;
        if (IsLru)
        {
            _newer![s] = -1;
            _older![s] = _mostRecent;
            if (_mostRecent >= 0)
                _newer[_mostRecent] = s;
            _mostRecent = s;
            if (_leastRecent < 0)
                _leastRecent = s;
        }
        return 0;
    }

    /// <summary>Makes an LRU element the most recently used.</summary>
    private void Touch(int s)
    {
        if (!IsLru || _mostRecent == s)
            return;
        Unlink(s);
        _newer![s] = -1;
        _older![s] = _mostRecent;
        if (_mostRecent >= 0)
            _newer[_mostRecent] = s;
        _mostRecent = s;
        if (_leastRecent < 0)
            _leastRecent = s;
    }

    private void Unlink(int s)
    {
        int newer = _newer![s], older = _older![s];
        if (newer >= 0) _older[newer] = older; else _mostRecent = older;
        if (older >= 0) _newer[older] = newer; else _leastRecent = newer;
    }

    private void Remove(int s)
    {
        int bucket = _bucketOf[s];
        ref int link = ref _buckets[bucket];
        while (link - 1 != s)
            link = ref _next[link - 1];
        link = _next[s];
        _bucketOf[s] = -1;
        if (IsLru)
            Unlink(s);
        _free[_freeCount++] = s;
        _count--;
    }

    private protected override int DeleteCore(ReadOnlySpan<byte> key)
    {
        int s = Find(key, out _);
        if (s < 0)
            return -MapErrno.ENOENT;
        Remove(s);
        return 0;
    }

    private protected override int LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        int s = Find(key, out _);
        if (s < 0)
            return -MapErrno.ENOENT;
        ReadValue(s * ElementSize, value);
        Remove(s);
        return 0;
    }

    private protected override int NextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        int bucket = 0;
        if (!key.IsEmpty)
        {
            int s = Find(key, out int b);
            if (s >= 0)
            {
                if (_next[s] != 0)
                {
                    KeyAt(_next[s] - 1).CopyTo(nextKey);
                    return 0;
                }
                bucket = b + 1;
            }
        }
        for (; bucket < _buckets.Length; bucket++)
        {
            if (_buckets[bucket] != 0)
            {
                KeyAt(_buckets[bucket] - 1).CopyTo(nextKey);
                return 0;
            }
        }
        return -MapErrno.ENOENT;
    }

    internal override int ProgramLookup(ReadOnlySpan<byte> key, int cpu)
    {
        lock (Sync)
        {
            int s = Find(key, out _);
            if (s < 0)
                return -1;
            Touch(s);
            return s * ElementSize + CpuSlot(cpu) * Stride;
        }
    }
}
