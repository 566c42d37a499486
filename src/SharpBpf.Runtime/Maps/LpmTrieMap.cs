using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.Core.Maps;

namespace SharpBpf.Runtime.Maps;

/// <summary>
/// BPF_MAP_TYPE_LPM_TRIE (kernel/bpf/lpm_trie.c): keys are <c>struct bpf_lpm_trie_key { u32
/// prefixlen; u8 data[]; }</c> (prefixlen in host order, data in network order, bits from the
/// most significant of data[0]). A lookup finds the longest stored prefix, at most the key's
/// prefixlen long, that matches the key's data; updates and deletes name a prefix exactly (the
/// bits after prefixlen are ignored for matching and kept as given). The map must be created
/// with BPF_F_NO_PREALLOC; a new prefix in a full trie fails with ENOSPC. Iteration is the
/// kernel's post-order walk: more specific prefixes before the prefixes containing them, the
/// 0 branch before the 1 branch; an absent key restarts from the first.
/// </summary>
public sealed class LpmTrieMap : UserMap
{
    /// <summary>BPF_F_NO_PREALLOC, which the kernel requires of LPM tries.</summary>
    public const uint NoPreallocFlag = 1;

    private readonly int _dataSize;
    private readonly int _maxPrefix;
    // Per prefix length: masked data -> slot.
    private readonly Dictionary<byte[], int>[] _byLength;
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>>[] _lookups;
    private readonly byte[] _keys;       // slot -> the key as last written (prefixlen + data)
    private readonly int[] _free;
    private int _freeCount;
    private int _count;
    private int[]? _order;               // slots in iteration order, rebuilt after a change

    /// <summary>Creates an LPM trie; as BPF_MAP_CREATE, EINVAL unless key size is 5..260, value size non-zero and flags include BPF_F_NO_PREALLOC.</summary>
    public LpmTrieMap(string name, int keySize, int valueSize, int maxEntries, uint flags = NoPreallocFlag)
        : base(name, MapType.LpmTrie, keySize, valueSize, maxEntries, flags, 1)
    {
        if (keySize is < 5 or > 260 || valueSize == 0 || maxEntries == 0 || (flags & NoPreallocFlag) == 0)
            throw new BpfMapException(MapErrno.EINVAL, $"map '{name}': an LPM trie needs a 5..260-byte key, a value, max_entries and BPF_F_NO_PREALLOC");
        _dataSize = keySize - 4;
        _maxPrefix = 8 * _dataSize;
        _byLength = new Dictionary<byte[], int>[_maxPrefix + 1];
        _lookups = new Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>>[_maxPrefix + 1];
        for (int i = 0; i <= _maxPrefix; i++)
        {
            _byLength[i] = new Dictionary<byte[], int>(ByteKeyComparer.Instance);
            _lookups[i] = _byLength[i].GetAlternateLookup<ReadOnlySpan<byte>>();
        }
        Values = new byte[ElementSize * maxEntries];
        _keys = new byte[keySize * maxEntries];
        _free = new int[maxEntries];
        for (int i = 0; i < maxEntries; i++)
            _free[i] = maxEntries - 1 - i;
        _freeCount = maxEntries;
        ReadOnlyForPrograms = (flags & ReadOnlyProgramFlag) != 0;
    }

    /// <inheritdoc/>
    public override int Count => Volatile.Read(ref _count);

    private static void Mask(ReadOnlySpan<byte> data, int prefix, Span<byte> masked)
    {
        masked.Clear();
        int full = prefix / 8;
        data[..full].CopyTo(masked);
        if (prefix % 8 != 0)
            masked[full] = (byte)(data[full] & (0xFF00 >> (prefix % 8)));
    }

    private int FindExact(ReadOnlySpan<byte> key)
    {
        uint prefix = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (prefix > (uint)_maxPrefix)
            return -1;
        Span<byte> masked = stackalloc byte[_dataSize];
        Mask(key[4..], (int)prefix, masked);
        return _lookups[prefix].TryGetValue(masked, out int s) ? s : -1;
    }

    private int FindLongest(ReadOnlySpan<byte> key)
    {
        uint prefix = Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(key), (uint)_maxPrefix);
        Span<byte> masked = stackalloc byte[_dataSize];
        for (int len = (int)prefix; len >= 0; len--)
        {
            if (_byLength[len].Count == 0)
                continue;
            Mask(key[4..], len, masked);
            if (_lookups[len].TryGetValue(masked, out int s))
                return s;
        }
        return -1;
    }

    private protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        int s = FindLongest(key);
        if (s < 0)
            return -MapErrno.ENOENT;
        ReadValue(s * ElementSize, value);
        return 0;
    }

    private protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int cpu)
    {
        if (!ValidUpdateFlags(flags))
            return -MapErrno.EINVAL;
        uint prefix = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (prefix > (uint)_maxPrefix)
            return -MapErrno.EINVAL;
        int s = FindExact(key);
        if (s >= 0)
        {
            if (flags == (ulong)MapUpdateFlags.NoExist)
                return -MapErrno.EEXIST;
        }
        else
        {
            if (flags == (ulong)MapUpdateFlags.Exist)
                return -MapErrno.ENOENT;
            if (_freeCount == 0)
                return -MapErrno.ENOSPC;
            s = _free[--_freeCount];
            var masked = new byte[_dataSize];
            Mask(key[4..], (int)prefix, masked);
            _byLength[prefix].Add(masked, s);
            _count++;
            _order = null;
        }
        key.CopyTo(_keys.AsSpan(s * KeySize, KeySize));
        WriteValue(s * ElementSize, value, -1, clearOthers: false);
        return 0;
    }

    private protected override int DeleteCore(ReadOnlySpan<byte> key)
    {
        uint prefix = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (prefix > (uint)_maxPrefix)
            return -MapErrno.EINVAL;
        Span<byte> masked = stackalloc byte[_dataSize];
        Mask(key[4..], (int)prefix, masked);
        if (!_lookups[prefix].Remove(masked, out _, out int s))
            return -MapErrno.ENOENT;
        _free[_freeCount++] = s;
        _count--;
        _order = null;
        return 0;
    }

    private protected override int NextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        var order = _order ??= BuildOrder();
        if (order.Length == 0)
            return -MapErrno.ENOENT;
        int at = 0;
        if (!key.IsEmpty && FindExact(key) is var s and >= 0)
        {
            at = Array.IndexOf(order, s) + 1;
            if (at == order.Length)
                return -MapErrno.ENOENT;
        }
        _keys.AsSpan(order[at] * KeySize, KeySize).CopyTo(nextKey);
        return 0;
    }

    // Post-order of the binary trie (trie_get_next_key): a longer prefix inside a shorter one
    // comes first; otherwise the first differing bit decides, 0 before 1.
    private int[] BuildOrder()
    {
        var slots = new List<(byte[] Data, int Length, int Slot)>(_count);
        for (int len = 0; len <= _maxPrefix; len++)
        {
            foreach (var (data, slot) in _byLength[len])
                slots.Add((data, len, slot));
        }
        slots.Sort((a, b) =>
        {
            int common = Math.Min(a.Length, b.Length);
            for (int bit = 0; bit < common; bit++)
            {
                int x = (a.Data[bit / 8] >> (7 - bit % 8)) & 1, y = (b.Data[bit / 8] >> (7 - bit % 8)) & 1;
                if (x != y)
                    return x - y;
            }
            return b.Length - a.Length;
        });
        var order = new int[slots.Count];
        for (int i = 0; i < order.Length; i++)
            order[i] = slots[i].Slot;
        return order;
    }

    internal override int ProgramLookup(ReadOnlySpan<byte> key, int cpu)
    {
        lock (Sync)
        {
            int s = FindLongest(key);
            return s < 0 ? -1 : s * ElementSize;
        }
    }
}
