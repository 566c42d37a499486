using SharpBpf.Core;
using SharpBpf.Core.Maps;

namespace SharpBpf.Runtime.Maps;

/// <summary>
/// BPF_MAP_TYPE_QUEUE (FIFO) and STACK (LIFO) (kernel/bpf/queue_stack_maps.c): keyless; update is
/// push, lookup is peek, lookup-and-delete is pop. A push into a full map fails with E2BIG
/// unless BPF_EXIST, which overwrites the oldest value (for both kinds); peek and pop of an empty
/// map fail with ENOENT; delete and get_next_key with EINVAL. Values are copied in and out, so
/// programs never hold pointers into this map.
/// </summary>
public sealed class QueueStackMap : UserMap
{
    private readonly byte[] _ring;
    private readonly int _size; // max_entries + 1 slots, one always free (qs->size)
    private int _head;          // next slot to push into
    private int _tail;          // the oldest value

    /// <summary>Creates a queue or stack (<paramref name="type"/>); EINVAL unless key size is 0 and value size and max_entries are not.</summary>
    public QueueStackMap(string name, MapType type, int valueSize, int maxEntries, uint flags = 0, int keySize = 0)
        : base(name, type, keySize, valueSize, maxEntries, flags, 1)
    {
        if (type is not (MapType.Queue or MapType.Stack))
            throw new ArgumentException($"{type} is not a queue or stack", nameof(type));
        if (keySize != 0 || valueSize == 0 || maxEntries == 0)
            throw new BpfMapException(MapErrno.EINVAL, $"map '{name}': a {(type == MapType.Queue ? "queue" : "stack")} needs key size 0, a value size and max_entries");
        _size = maxEntries + 1;
        _ring = new byte[(long)_size * valueSize <= int.MaxValue / 2 ? _size * valueSize : throw new BpfMapException(MapErrno.E2BIG, $"map '{name}' is too big")];
    }

    /// <inheritdoc/>
    public override int Count
    {
        get
        {
            lock (Sync)
                return (_head - _tail + _size) % _size;
        }
    }

    private Span<byte> Slot(int i) => _ring.AsSpan(i * ValueSize, ValueSize);

    private protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value) => Pop(value, delete: false);

    private protected override int LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value) => Pop(value, delete: true);

    private protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int cpu) => Push(value, flags);

    private protected override int DeleteCore(ReadOnlySpan<byte> key) => -MapErrno.EINVAL;

    private protected override int NextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey) => -MapErrno.EINVAL;

    private int Push(ReadOnlySpan<byte> value, ulong flags)
    {
        if ((flags & ~(ulong)MapUpdateFlags.Exist) != 0)
            return -MapErrno.EINVAL;
        if ((_head + 1) % _size == _tail)
        {
            if (flags != (ulong)MapUpdateFlags.Exist)
                return -MapErrno.E2BIG;
            _tail = (_tail + 1) % _size;
        }
        value[..ValueSize].CopyTo(Slot(_head));
        _head = (_head + 1) % _size;
        return 0;
    }

    private int Pop(Span<byte> value, bool delete)
    {
        if (_head == _tail)
            return -MapErrno.ENOENT;
        if (Type == MapType.Queue)
        {
            Slot(_tail).CopyTo(value);
            if (delete)
                _tail = (_tail + 1) % _size;
        }
        else
        {
            int top = (_head - 1 + _size) % _size;
            Slot(top).CopyTo(value);
            if (delete)
                _head = top;
        }
        return 0;
    }

    internal override int ProgramPush(ReadOnlySpan<byte> value, ulong flags)
    {
        lock (Sync)
            return Push(value, flags);
    }

    internal override int ProgramPop(Span<byte> value, bool delete)
    {
        lock (Sync)
            return Pop(value, delete);
    }

    internal override int ProgramUpdate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int cpu) => -MapErrno.EINVAL;

    internal override int ProgramDelete(ReadOnlySpan<byte> key) => -MapErrno.EINVAL;
}
