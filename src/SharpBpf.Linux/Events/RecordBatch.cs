using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpBpf.Linux.Events;

/// <summary>
/// The typed layer under both readers' ReadAllAsync: records copied out of the ring as
/// <typeparamref name="T"/> (the ring's memory is handed back as soon as the batch is read, so
/// values cannot stay spans across an await), yielded after each drain.
/// </summary>
internal sealed class RecordBatch<T>(string source)
    where T : unmanaged
{
    /// <summary>Records taken per drain: enough to amortise a drain, few enough to free ring space early.</summary>
    public const int Capacity = 4096;

    private readonly T[] _items = new T[Capacity];

    public int Count { get; private set; }

    public bool IsFull => Count == _items.Length;

    public T this[int index] => _items[index];

    /// <summary>Copies a record's first sizeof(T) bytes; a shorter record is a mismatch between the program and T.</summary>
    public void Add(ReadOnlySpan<byte> record)
    {
        if (record.Length < Unsafe.SizeOf<T>())
            throw new InvalidDataException(
                $"{source}: a {record.Length}-byte record is shorter than {typeof(T).Name} ({Unsafe.SizeOf<T>()} bytes)");
        _items[Count++] = MemoryMarshal.Read<T>(record);
    }

    public void Clear() => Count = 0;

    /// <summary>
    /// The loop of ReadAllAsync: drain (up to <see cref="Capacity"/> records), yield them, and
    /// when a drain finds nothing, wait for a wakeup on the thread pool (the readers' fds cannot
    /// join the runtime's own epoll), until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async IAsyncEnumerable<T> ReadAllAsync(
        string source, Action<RecordBatch<T>> drain, Action<CancellationToken> wait,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new RecordBatch<T>(source);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            drain(batch);
            if (batch.Count == 0)
            {
                await Task.Run(() => wait(cancellationToken), CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            for (int i = 0; i < batch.Count; i++)
                yield return batch[i];
        }
    }
}
