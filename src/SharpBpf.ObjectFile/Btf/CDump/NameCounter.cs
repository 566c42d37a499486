using System.Runtime.CompilerServices;

namespace SharpBpf.ObjectFile.Btf.CDump;

/// <summary>
/// btf_dump's name maps (type_names, ident_names): how many times a name has been claimed so far.
/// Keys are BTF string offsets compared by content, so nothing is decoded or allocated per lookup;
/// in deduplicated BTF (vmlinux) equal names share an offset and the byte compare is skipped.
/// </summary>
internal sealed class NameCounter
{
    private readonly BtfSpec _btf;
    private uint[] _keys;    // string offset + 1; 0 marks a free slot
    private int[] _hashes;
    private int[] _counts;
    private int _used;

    public NameCounter(BtfSpec btf, int capacity)
    {
        _btf = btf;
        int size = 16;
        while (size < capacity * 2)
            size <<= 1;
        _keys = new uint[size];
        _hashes = new int[size];
        _counts = new int[size];
    }

    /// <summary>btf_dump_name_dups: counts one more occurrence of the name and returns the new count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Increment(uint nameOffset)
    {
        var name = _btf.GetStringUtf8(nameOffset);
        int hash = Hash(name);
        int mask = _keys.Length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask)
        {
            uint key = _keys[slot];
            if (key == 0)
            {
                _keys[slot] = nameOffset + 1;
                _hashes[slot] = hash;
                _counts[slot] = 1;
                if (++_used * 2 > _keys.Length)
                    Grow();
                return 1;
            }
            if (_hashes[slot] == hash && (key == nameOffset + 1 || _btf.GetStringUtf8(key - 1).SequenceEqual(name)))
                return ++_counts[slot];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Grow()
    {
        var keys = _keys;
        var hashes = _hashes;
        var counts = _counts;
        _keys = new uint[keys.Length * 2];
        _hashes = new int[keys.Length * 2];
        _counts = new int[keys.Length * 2];
        int mask = _keys.Length - 1;
        for (int i = 0; i < keys.Length; i++)
        {
            if (keys[i] == 0)
                continue;
            int slot = hashes[i] & mask;
            while (_keys[slot] != 0)
                slot = (slot + 1) & mask;
            _keys[slot] = keys[i];
            _hashes[slot] = hashes[i];
            _counts[slot] = counts[i];
        }
    }

    // FNV-1a: names are short, and the hash only has to spread them over the table.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Hash(ReadOnlySpan<byte> name)
    {
        uint h = 2166136261;
        foreach (byte b in name)
            h = (h ^ b) * 16777619;
        return (int)(h ^ (h >> 15));
    }
}
