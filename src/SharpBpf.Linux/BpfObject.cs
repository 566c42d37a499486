using SharpBpf.Core.Maps;
using SharpBpf.Linux.Attach;
using SharpBpf.Linux.Events;
using SharpBpf.Linux.Loader;

namespace SharpBpf.Linux;

/// <summary>
/// The short way, in the spirit of BCC's <c>BPF(...)</c>: load an object, attach every program
/// whose section says where (tracepoints, raw tracepoints, uprobes, ...), and read its maps and
/// event buffers. Everything is released on <see cref="Dispose"/>: links first, then readers,
/// then programs and maps.
/// <code>
/// using var bpf = BpfObject.Load("execsnoop.bpf.o");
/// await foreach (var e in bpf.RingBuffer&lt;ExecEvent&gt;("events"))
///     Console.WriteLine($"{e.Pid} {e.Comm}");
/// </code>
/// </summary>
public sealed class BpfObject : IDisposable
{
    private readonly List<Link> _links = [];
    private readonly List<IDisposable> _readers = [];
    private bool _disposed;

    private BpfObject(Collection collection) => Collection = collection;

    /// <summary>The loaded programs and maps.</summary>
    public Collection Collection { get; }

    /// <summary>The attachments made so far (auto-attached and explicit).</summary>
    public IReadOnlyList<Link> Links => _links;

    /// <summary>
    /// Loads an object into the kernel and, unless <paramref name="autoAttach"/> is false,
    /// attaches each program its section name says how to attach (libbpf's skeleton
    /// <c>attach()</c>); programs that need a target (XDP, tc, cgroups) are left for
    /// <see cref="Attach(Link)"/>.
    /// </summary>
    public static BpfObject Load(string path, CollectionOptions? options = null, bool autoAttach = true)
    {
        var collection = Collection.Load(path, options);
        var obj = new BpfObject(collection);
        if (!autoAttach)
            return obj;
        try
        {
            foreach (var (name, program) in collection.Programs)
            {
                if (collection.Spec.Programs.TryGetValue(name, out var spec) && Link.AutoAttach(program, spec) is { } link)
                    obj._links.Add(link);
            }
        }
        catch
        {
            obj.Dispose();
            throw;
        }
        return obj;
    }

    /// <summary>A loaded program by name.</summary>
    public KernelProgram Program(string name) => Collection.Program(name);

    /// <summary>A map by name, typed.</summary>
    public BpfMap<TKey, TValue> Map<TKey, TValue>(string name)
        where TKey : unmanaged
        where TValue : unmanaged => Collection.Map<TKey, TValue>(name);

    /// <summary>Keeps an attachment made elsewhere (e.g. <c>Link.Xdp(bpf.Program("xdp_prog"), "eth0")</c>) so it is released with this object.</summary>
    public Link Attach(Link link)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _links.Add(link);
        return link;
    }

    /// <summary>
    /// The records of a BPF_MAP_TYPE_RINGBUF map as <typeparamref name="T"/> values, as they
    /// arrive, until <paramref name="cancellationToken"/> is cancelled (BCC's <c>ring_buffer_poll</c>).
    /// </summary>
    public IAsyncEnumerable<T> RingBuffer<T>(string map, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        var reader = new RingBufferReader(Collection.Map(map));
        _readers.Add(reader);
        return reader.ReadAllAsync<T>(cancellationToken);
    }

    /// <summary>
    /// The samples of a BPF_MAP_TYPE_PERF_EVENT_ARRAY map as <typeparamref name="T"/> values
    /// (one reader per CPU), as they arrive (BCC's <c>perf_buffer_poll</c>).
    /// </summary>
    public IAsyncEnumerable<T> PerfBuffer<T>(string map, PerfBufferOptions? options = null, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        var reader = new PerfBufferReader(Collection.Map(map), options);
        _readers.Add(reader);
        return reader.ReadAllAsync<T>(cancellationToken);
    }

    /// <summary>Detaches, closes readers, then unloads programs and maps.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var link in _links)
            link.Dispose();
        foreach (var reader in _readers)
            reader.Dispose();
        Collection.Dispose();
    }
}
