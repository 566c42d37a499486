using System.Runtime.InteropServices;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Events;

/// <summary>
/// An epoll instance over the event sources of one reader (ring buffer maps, per-CPU perf events),
/// each registered with a token, plus an eventfd that <see cref="Interrupt"/> writes to wake a
/// waiter from another thread (cancellation, Dispose). Registration is level-triggered EPOLLIN, as
/// libbpf's ring_buffer__add and perf_buffer__new register theirs.
/// </summary>
internal sealed unsafe class EpollSet : IDisposable
{
    private const ulong WakeupToken = ulong.MaxValue;

    private readonly BpfFileDescriptor _epoll;
    private readonly BpfFileDescriptor _wakeup;
    private byte[] _events;

    public EpollSet()
    {
        int epfd = Libc.EpollCreate1(Libc.EpollCloexec);
        if (epfd < 0)
            throw new BpfException("epoll_create1", (Errno)Marshal.GetLastPInvokeError());
        _epoll = new BpfFileDescriptor(epfd);
        int efd = Libc.EventFd(0, Libc.EfdCloexec | Libc.EfdNonblock);
        if (efd < 0)
        {
            var errno = (Errno)Marshal.GetLastPInvokeError();
            _epoll.Dispose();
            throw new BpfException("eventfd", errno);
        }
        _wakeup = new BpfFileDescriptor(efd);
        _events = new byte[EpollEvent.Size];
        try
        {
            Add(_wakeup, WakeupToken, "the wakeup eventfd");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>How many sources are registered (the wakeup eventfd not counted).</summary>
    public int Count { get; private set; }

    /// <summary>Registers <paramref name="fd"/> for EPOLLIN; <see cref="Wait"/> reports it as <paramref name="token"/>. Not concurrently with Wait.</summary>
    public void Add(BpfFileDescriptor fd, ulong token, string what)
    {
        Span<byte> ev = stackalloc byte[EpollEvent.Size];
        new EpollEvent(Libc.EpollIn, token).Write(ev);
        using var epoll = _epoll.Acquire();
        using var source = fd.Acquire();
        fixed (byte* p = ev)
        {
            if (Libc.EpollCtl(epoll.Value, Libc.EpollCtlAdd, source.Value, p) < 0)
                throw new BpfException("epoll_ctl add " + what, (Errno)Marshal.GetLastPInvokeError());
        }
        if (token != WakeupToken)
            Count++;
        _events = new byte[EpollEvent.Size * (Count + 1)];
    }

    /// <summary>
    /// epoll_wait until <paramref name="deadline"/> (<see cref="EventTimeouts"/>), retried on EINTR
    /// with the time left (the runtime's signals interrupt it; epoll_wait is never restarted,
    /// signal(7)). Writes the tokens of the ready sources into <paramref name="ready"/> (room for
    /// <see cref="Count"/>) and returns how many; <paramref name="interrupted"/> says whether
    /// <see cref="Interrupt"/> woke it (or <paramref name="cancellationToken"/> was cancelled).
    /// The caller keeps the set open meanwhile (<see cref="ReaderGate"/>): no reference is taken
    /// on the descriptors per call.
    /// </summary>
    public int Wait(Span<ulong> ready, long deadline, CancellationToken cancellationToken, out bool interrupted)
    {
        interrupted = false;
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((EpollSet)state!).Interrupt(), this)
            : default;
        int epoll = _epoll.Value;
        int capacity = _events.Length / EpollEvent.Size;
        fixed (byte* events = _events)
        {
            int n;
            while ((n = Libc.EpollWait(epoll, events, capacity, EventTimeouts.Remaining(deadline))) < 0)
            {
                var errno = (Errno)Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                    throw new BpfException("epoll_wait", errno);
            }
            var list = new ReadOnlySpan<byte>(events, n * EpollEvent.Size);
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                ulong token = EpollEvent.Read(list, i).Data;
                if (token == WakeupToken)
                {
                    interrupted = true;
                    ulong value;
                    // EFD_NONBLOCK: a counter already reset fails with EAGAIN, harmlessly.
                    _ = Libc.Read(_wakeup.Value, (byte*)&value, sizeof(ulong));
                }
                else
                {
                    ready[count++] = token;
                }
            }
            return count;
        }
    }

    /// <summary>Wakes a thread blocked in <see cref="Wait"/> (or makes the next Wait return at once). Safe from any thread, also after Dispose.</summary>
    public void Interrupt()
    {
        try
        {
            using var wakeup = _wakeup.Acquire();
            ulong one = 1;
            // EAGAIN (the counter is at its maximum) still leaves it readable: the waiter wakes anyway.
            _ = Libc.Write(wakeup.Value, (byte*)&one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // Disposed: nobody is left to wake.
        }
    }

    /// <summary>Closes the epoll instance and the eventfd (only once no thread is inside Wait: <see cref="ReaderGate"/>).</summary>
    public void Dispose()
    {
        _epoll.Dispose();
        _wakeup.Dispose();
    }
}
