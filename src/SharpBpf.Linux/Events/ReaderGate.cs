namespace SharpBpf.Linux.Events;

/// <summary>
/// The lifetime of a reader's mappings and descriptors: one reading call at a time (Poll,
/// Consume, a ReadAllAsync step), and a Dispose from any thread that releases them at once when
/// no call is inside, or leaves it to the call inside when there is one (after waking it). This
/// is what lets the read loop use its mappings and fds without taking a SafeHandle reference per
/// call: nothing can be unmapped or closed between Enter and Exit.
/// </summary>
internal sealed class ReaderGate(object owner)
{
    private const int Idle = 0;
    private const int Busy = 1;
    private const int Closed = 2;
    private const int CloseWhenIdle = 3;

    private int _state;

    /// <summary>Whether Dispose has been called (the resources may still be in use by the call inside).</summary>
    public bool IsClosing => Volatile.Read(ref _state) >= Closed;

    /// <summary>Starts a reading call; throws when another is inside or the reader is disposed.</summary>
    public void Enter()
    {
        int state = Interlocked.CompareExchange(ref _state, Busy, Idle);
        if (state == Idle)
            return;
        ObjectDisposedException.ThrowIf(state != Busy, owner);
        throw new InvalidOperationException($"{owner} is being read on another thread: Poll, Consume and ReadAllAsync take turns");
    }

    /// <summary>Ends a reading call; true when Dispose came meanwhile and the caller must now release the resources.</summary>
    public bool Exit()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Busy) == Busy)
            return false;
        Volatile.Write(ref _state, Closed);
        return true;
    }

    /// <summary>
    /// Marks the reader disposed. Returns true when the caller must release the resources now;
    /// false when they are already released or the call inside will release them on Exit (the
    /// caller then wakes it, <paramref name="callInside"/> is true).
    /// </summary>
    public bool Close(out bool callInside)
    {
        callInside = false;
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state == Idle && Interlocked.CompareExchange(ref _state, Closed, Idle) == Idle)
                return true;
            if (state == Busy && Interlocked.CompareExchange(ref _state, CloseWhenIdle, Busy) == Busy)
            {
                callInside = true;
                return false;
            }
            if (state >= Closed)
                return false;
        }
    }
}
