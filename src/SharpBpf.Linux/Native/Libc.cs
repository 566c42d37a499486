using System.Runtime.InteropServices;

namespace SharpBpf.Linux.Native;

/// <summary>
/// Thin P/Invokes of the libc calls and syscalls besides bpf(2) that the kernel layer needs: each
/// returns what libc returns (-1 with errno set on failure; read it with
/// <see cref="Marshal.GetLastPInvokeError"/>). Wrappers that throw live with their users.
/// </summary>
internal static unsafe partial class Libc
{
    /// <summary>The C library, as the runtime resolves it on glibc and musl.</summary>
    public const string Name = "libc";

    // arch/x86/entry/syscalls/syscall_64.tbl and include/uapi/asm-generic/unistd.h (arm64).
    /// <summary>__NR_perf_event_open.</summary>
    public static readonly long SysPerfEventOpen = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 298,
        Architecture.Arm64 => 241,
        _ => -1,
    };

    /// <summary>syscall(2), for the calls libc does not wrap; all arguments passed as registers.</summary>
    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, long a1, long a2, long a3, long a4, long a5);

    /// <summary>open(2) of a NUL-terminated UTF-8 path.</summary>
    [LibraryImport(Name, EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags);

    /// <summary>open(2) flags.</summary>
    public const int O_RDONLY = 0, O_CLOEXEC = 0x80000;

    /// <summary>close(2).</summary>
    [LibraryImport(Name, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>fcntl(2) with an integer argument (F_DUPFD_CLOEXEC, F_GETFD, ...).</summary>
    [LibraryImport(Name, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, long argument);

    /// <summary>F_DUPFD_CLOEXEC (include/uapi/asm-generic/fcntl.h).</summary>
    public const int FDupFdCloexec = 1030;

    /// <summary>ioctl(2) with a pointer or integer argument.</summary>
    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, nint argument);

    /// <summary>mmap(2).</summary>
    [LibraryImport(Name, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    /// <summary>munmap(2).</summary>
    [LibraryImport(Name, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    /// <summary>MAP_FAILED.</summary>
    public static readonly nint MapFailed = -1;

    /// <summary>PROT_READ.</summary>
    public const int ProtRead = 1;
    /// <summary>PROT_WRITE.</summary>
    public const int ProtWrite = 2;
    /// <summary>MAP_SHARED.</summary>
    public const int MapShared = 1;

    /// <summary>epoll_create1(2).</summary>
    [LibraryImport(Name, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    /// <summary>epoll_ctl(2); <paramref name="ev"/> points to a struct epoll_event (see <see cref="EpollEvent"/>).</summary>
    [LibraryImport(Name, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    /// <summary>epoll_wait(2); <paramref name="events"/> holds <paramref name="maxEvents"/> struct epoll_event.</summary>
    [LibraryImport(Name, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeoutMs);

    /// <summary>EPOLL_CLOEXEC.</summary>
    public const int EpollCloexec = 0x80000;
    /// <summary>EPOLL_CTL_ADD.</summary>
    public const int EpollCtlAdd = 1;
    /// <summary>EPOLL_CTL_DEL.</summary>
    public const int EpollCtlDel = 2;
    /// <summary>EPOLL_CTL_MOD.</summary>
    public const int EpollCtlMod = 3;
    /// <summary>EPOLLIN.</summary>
    public const uint EpollIn = 1;

    /// <summary>
    /// perf_event_open(2) through syscall(2) (libc has no wrapper); <paramref name="attr"/> is a
    /// <see cref="PerfEventAttr"/> whose Size field is set.
    /// </summary>
    public static int PerfEventOpen(PerfEventAttr* attr, int pid, int cpu, int groupFd, ulong flags) =>
        (int)Syscall(SysPerfEventOpen, (long)attr, pid, cpu, groupFd, (long)flags);

    /// <summary>PERF_FLAG_FD_CLOEXEC.</summary>
    public const ulong PerfFlagFdCloexec = 8;

    /// <summary>PERF_EVENT_IOC_ENABLE: _IO('$', 0) (include/uapi/linux/perf_event.h).</summary>
    public const ulong PerfEventIocEnable = 0x2400;

    /// <summary>eventfd(2): a counter to wake an epoll_wait from another thread.</summary>
    [LibraryImport(Name, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    /// <summary>EFD_CLOEXEC.</summary>
    public const int EfdCloexec = 0x80000;
    /// <summary>EFD_NONBLOCK.</summary>
    public const int EfdNonblock = 0x800;

    /// <summary>read(2).</summary>
    [LibraryImport(Name, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    /// <summary>write(2).</summary>
    [LibraryImport(Name, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    /// <summary>statfs(2) into a buffer of at least <see cref="StatfsSize"/> bytes; f_type is its first word on x86-64 and arm64.</summary>
    [LibraryImport(Name, EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statfs(string path, byte* buffer);

    /// <summary>Room for struct statfs on 64-bit Linux (120 bytes) with headroom.</summary>
    public const int StatfsSize = 256;

    /// <summary>mount(2).</summary>
    [LibraryImport(Name, EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Mount(string source, string target, string fileSystemType, ulong flags, nint data);
}
