using System.Runtime.InteropServices;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// The libc calls behind executable memory: each returns what libc returns (-1 or MAP_FAILED with
/// errno set; read it with <see cref="Marshal.GetLastPInvokeError"/>). Linux x86-64 values
/// (include/uapi/asm-generic/mman-common.h).
/// </summary>
internal static partial class Native
{
    private const string Libc = "libc";

    /// <summary>PROT_READ.</summary>
    public const int ProtRead = 1;
    /// <summary>PROT_WRITE.</summary>
    public const int ProtWrite = 2;
    /// <summary>PROT_EXEC.</summary>
    public const int ProtExec = 4;
    /// <summary>MAP_PRIVATE.</summary>
    public const int MapPrivate = 0x02;
    /// <summary>MAP_ANONYMOUS.</summary>
    public const int MapAnonymous = 0x20;

    /// <summary>MAP_FAILED.</summary>
    public static readonly nint MapFailed = -1;

    /// <summary>mmap(2).</summary>
    [LibraryImport(Libc, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    /// <summary>mprotect(2).</summary>
    [LibraryImport(Libc, EntryPoint = "mprotect", SetLastError = true)]
    public static partial int Mprotect(nint address, nuint length, int protection);

    /// <summary>CLOCK_THREAD_CPUTIME_ID: CPU time of the calling thread.</summary>
    public const int ClockThreadCpuTime = 3;

    /// <summary>clock_gettime(2) into a struct timespec (two longs: seconds, nanoseconds).</summary>
    [LibraryImport(Libc, EntryPoint = "clock_gettime")]
    public static unsafe partial int ClockGetTime(int clock, long* timespec);

    /// <summary>munmap(2).</summary>
    [LibraryImport(Libc, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);
}
