namespace SharpBpf.Runtime.Maps;

/// <summary>
/// A userspace map operation failed as the kernel's would: <see cref="Errno"/> is the errno
/// bpf(2) returns for the same operation on the same map (EEXIST, E2BIG, EINVAL, ...).
/// </summary>
public sealed class BpfMapException : Exception
{
    /// <summary>An error with the errno the kernel would return.</summary>
    public BpfMapException(int errno, string message) : base($"{message} ({MapErrno.NameOf(errno)})") => Errno = errno;

    /// <summary>The (positive) errno.</summary>
    public int Errno { get; }
}
