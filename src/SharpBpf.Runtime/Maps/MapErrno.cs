namespace SharpBpf.Runtime.Maps;

/// <summary>
/// The Linux errno values map operations fail with (include/uapi/asm-generic/errno-base.h,
/// include/linux/errno.h). Program-side operations return them negated, as the kernel's helpers
/// do; host-side ones throw <see cref="BpfMapException"/> carrying them.
/// </summary>
public static class MapErrno
{
    /// <summary>Operation not permitted (a frozen map written from the host).</summary>
    public const int EPERM = 1;
    /// <summary>No such element (or an empty queue, stack or slot).</summary>
    public const int ENOENT = 2;
    /// <summary>Argument list too long: the map is full, or an array index is out of range.</summary>
    public const int E2BIG = 7;
    /// <summary>Bad file descriptor: a program id a program array cannot resolve.</summary>
    public const int EBADF = 9;
    /// <summary>Bad address: a pointer argument outside program-visible memory.</summary>
    public const int EFAULT = 14;
    /// <summary>Device busy (a tail call target being replaced).</summary>
    public const int EBUSY = 16;
    /// <summary>The element exists (BPF_NOEXIST).</summary>
    public const int EEXIST = 17;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>No space left: a ring or perf buffer is full.</summary>
    public const int ENOSPC = 28;
    /// <summary>Result out of range (strtol).</summary>
    public const int ERANGE = 34;
    /// <summary>Operation not supported by this map type (the kernel's internal ENOTSUPP).</summary>
    public const int ENOTSUPP = 524;

    /// <summary>The errno's name (<c>EEXIST</c>), or its number.</summary>
    public static string NameOf(int errno) => errno switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        E2BIG => "E2BIG",
        EBADF => "EBADF",
        EFAULT => "EFAULT",
        EBUSY => "EBUSY",
        EEXIST => "EEXIST",
        EINVAL => "EINVAL",
        ENOSPC => "ENOSPC",
        ERANGE => "ERANGE",
        ENOTSUPP => "ENOTSUPP",
        _ => errno.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
