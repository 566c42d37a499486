namespace SharpBpf.Linux.Events;

/// <summary>
/// The timeout arithmetic of the readers' Poll loops: a timeout becomes a deadline on
/// <see cref="Environment.TickCount64"/>'s clock once per call, with sentinels for "no limit" and
/// "do not wait" that need no clock at all, and deadlines become epoll_wait's milliseconds (-1: no limit).
/// </summary>
internal static class EventTimeouts
{
    /// <summary>The deadline of a wait with no limit.</summary>
    public const long Never = long.MaxValue;

    /// <summary>The deadline of a wait that does not wait (timeout 0).</summary>
    public const long Now = long.MinValue;

    /// <summary><see cref="Timeout.InfiniteTimeSpan"/> is -1; other values are rounded up to whole milliseconds.</summary>
    public static int ToMilliseconds(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
            return -1;
        double ms = Math.Ceiling(timeout.TotalMilliseconds);
        if (ms < 0 || ms > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a timeout is Timeout.InfiniteTimeSpan or between 0 and int.MaxValue milliseconds");
        return (int)ms;
    }

    /// <summary>When a wait of <paramref name="timeout"/> that starts now ends.</summary>
    public static long Deadline(TimeSpan timeout) => ToMilliseconds(timeout) switch
    {
        < 0 => Never,
        0 => Now,
        var ms => Environment.TickCount64 + ms,
    };

    /// <summary>What is left of the wait, for epoll_wait.</summary>
    public static int Remaining(long deadline) => deadline switch
    {
        Never => -1,
        Now => 0,
        _ => (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue),
    };

    /// <summary>Whether the wait is over.</summary>
    public static bool Expired(long deadline) => deadline switch
    {
        Never => false,
        Now => true,
        _ => Environment.TickCount64 >= deadline,
    };
}
