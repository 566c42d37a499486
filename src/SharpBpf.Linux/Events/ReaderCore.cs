namespace SharpBpf.Linux.Events;

/// <summary>
/// What the ring buffer and perf buffer readers share around their read loops: the
/// <see cref="ReaderGate"/> (one reading call at a time; Dispose releases at once or at the call's end),
/// the epoll set over their sources with its array of ready tokens, and the owner's release of its
/// mappings and descriptors, run exactly once, when the last call leaves a disposed reader.
/// </summary>
internal sealed class ReaderCore(object owner, Action release) : IDisposable
{
    private readonly ReaderGate _gate = new(owner);
    private EpollSet? _epoll;
    private ulong[] _ready = [];

    /// <summary>Whether Dispose has been called.</summary>
    public bool IsClosing => _gate.IsClosing;

    /// <summary>Creates the epoll set (in the owner's constructor, inside its own error handling).</summary>
    public void Open() => _epoll = new EpollSet();

    /// <summary>Registers a source reported as <paramref name="token"/> (inside a reading call, or in the constructor).</summary>
    public void Add(BpfFileDescriptor fd, ulong token, string what)
    {
        Epoll.Add(fd, token, what);
        _ready = new ulong[Epoll.Count];
    }

    /// <summary>Starts a reading call (<see cref="ReaderGate.Enter"/>).</summary>
    public void Enter() => _gate.Enter();

    /// <summary>Ends a reading call, releasing the owner's resources when Dispose came meanwhile.</summary>
    public void Exit()
    {
        if (_gate.Exit())
            release();
    }

    /// <summary>Inside a call: throws <see cref="ObjectDisposedException"/> once Dispose has been called.</summary>
    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_gate.IsClosing, owner);

    /// <summary>
    /// Inside a call: waits until a source is readable, the deadline passes (nothing ready) or a wakeup
    /// comes; then throws when the reader was disposed or <paramref name="cancellationToken"/> cancelled.
    /// Returns the tokens of the readable sources.
    /// </summary>
    public ReadOnlySpan<ulong> Wait(long deadline, CancellationToken cancellationToken)
    {
        int ready = Epoll.Wait(_ready, deadline, cancellationToken, out _);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        return _ready.AsSpan(0, ready);
    }

    /// <summary>A whole reading call that only waits for a source to become readable (ReadAllAsync, between drains).</summary>
    public void WaitForEvents(CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            Wait(EventTimeouts.Never, cancellationToken);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// The owner's Dispose: releases at once when no call is inside, or wakes the call inside, which
    /// releases as it leaves.
    /// </summary>
    public void Dispose()
    {
        if (_gate.Close(out bool callInside))
            release();
        else if (callInside)
            _epoll?.Interrupt();
    }

    /// <summary>Closes the epoll set (part of the owner's release).</summary>
    public void DisposeEpoll() => _epoll?.Dispose();

    private EpollSet Epoll => _epoll ?? throw new InvalidOperationException("the epoll set is not open");
}
