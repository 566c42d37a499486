namespace SharpBpf.Linux;

/// <summary>
/// The errno values bpf(2) and its neighbours return, in the kernel's words
/// (include/uapi/asm-generic/errno-base.h, errno.h; the same numbers on x86-64 and arm64).
/// </summary>
public enum Errno
{
    /// <summary>No error.</summary>
    None = 0,
    /// <summary>Operation not permitted.</summary>
    EPERM = 1,
    /// <summary>No such file or directory (no such key, id or element).</summary>
    ENOENT = 2,
    /// <summary>No such process.</summary>
    ESRCH = 3,
    /// <summary>Interrupted system call.</summary>
    EINTR = 4,
    /// <summary>I/O error.</summary>
    EIO = 5,
    /// <summary>No such device or address.</summary>
    ENXIO = 6,
    /// <summary>Argument list too long (map full; attr larger than the kernel knows with a non-zero tail).</summary>
    E2BIG = 7,
    /// <summary>Bad file descriptor.</summary>
    EBADF = 9,
    /// <summary>Try again.</summary>
    EAGAIN = 11,
    /// <summary>Out of memory.</summary>
    ENOMEM = 12,
    /// <summary>Permission denied (the verifier's usual rejection).</summary>
    EACCES = 13,
    /// <summary>Bad address.</summary>
    EFAULT = 14,
    /// <summary>Device or resource busy.</summary>
    EBUSY = 16,
    /// <summary>File exists.</summary>
    EEXIST = 17,
    /// <summary>No such device.</summary>
    ENODEV = 19,
    /// <summary>Not a directory.</summary>
    ENOTDIR = 20,
    /// <summary>Invalid argument.</summary>
    EINVAL = 22,
    /// <summary>No space left on device (log buffer or output buffer too small).</summary>
    ENOSPC = 28,
    /// <summary>Math result not representable.</summary>
    ERANGE = 34,
    /// <summary>Resource deadlock would occur.</summary>
    EDEADLK = 35,
    /// <summary>Function not implemented (no bpf(2) in this kernel).</summary>
    ENOSYS = 38,
    /// <summary>Too many symbolic links (or a loop).</summary>
    ELOOP = 40,
    /// <summary>Operation not supported.</summary>
    EOPNOTSUPP = 95,
    /// <summary>The kernel-internal "operation is not supported" (include/linux/errno.h), returned by bpf(2) for unimplemented map operations.</summary>
    ENOTSUPP = 524,
}
