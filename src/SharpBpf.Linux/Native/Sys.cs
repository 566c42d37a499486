using System.Runtime.InteropServices;

namespace SharpBpf.Linux.Native;

/// <summary>
/// The one door to bpf(2). <see cref="Invoke"/> is the only place the syscall is issued; around it
/// live the EAGAIN/EINTR retries the kernel asks for, the verifier log buffer (Sys.Load.cs), and the
/// mapping of errno to <see cref="BpfException"/>, <see cref="BpfNotSupportedException"/> and
/// <see cref="BpfVerifierException"/>. Every attr is one of the generated structs in BpfAttr.g.cs and
/// is passed with its own size: the kernel zero-fills the rest of its union bpf_attr
/// (kernel/bpf/syscall.c, __sys_bpf: copy_from_bpfptr of min(size, sizeof(attr))).
/// </summary>
internal static unsafe partial class Sys
{
    /// <summary>__NR_bpf: arch/x86/entry/syscalls/syscall_64.tbl (321), include/uapi/asm-generic/unistd.h (280, arm64).</summary>
    public static readonly long BpfSyscallNumber = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        _ => -1,
    };

    // libbpf's PROG_LOAD_ATTEMPTS: the verifier gives up with EAGAIN when a signal is pending
    // (kernel/bpf/verifier.c, do_check: if (signal_pending(current)) return -EAGAIN).
    private const int ProgLoadAttempts = 5;

    // BPF_PROG_TEST_RUN stops with EINTR when a signal is pending between repetitions
    // (net/bpf/test_run.c, bpf_test_timer_continue); the runtime signals threads for GC suspension.
    private const int TestRunAttempts = 16;

    [LibraryImport(Libc.Name, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long cmd, void* attr, long size);

    /// <summary>
    /// bpf(<paramref name="command"/>, &amp;<paramref name="attr"/>, sizeof(<typeparamref name="TAttr"/>)):
    /// returns the result (an fd, or 0); throws the mapped exception on failure.
    /// </summary>
    public static int Bpf<TAttr>(BpfCommand command, ref TAttr attr) where TAttr : unmanaged
    {
        int result = Invoke(command, ref attr, out var errno);
        return result >= 0 ? result : throw Error(command, errno);
    }

    /// <summary>
    /// As <see cref="Bpf{TAttr}(BpfCommand, ref TAttr)"/>, but returns -1 instead of throwing when the
    /// call fails with <paramref name="expected"/> (ENOENT for "no such key", "no next id", ...).
    /// </summary>
    public static int Bpf<TAttr>(BpfCommand command, ref TAttr attr, Errno expected) where TAttr : unmanaged
    {
        int result = Invoke(command, ref attr, out var errno);
        if (result >= 0 || errno == expected)
            return result;
        throw Error(command, errno);
    }

    /// <summary>As <see cref="Bpf{TAttr}(BpfCommand, ref TAttr)"/> for commands that return a new file descriptor.</summary>
    public static BpfFileDescriptor BpfFd<TAttr>(BpfCommand command, ref TAttr attr) where TAttr : unmanaged =>
        new(Bpf(command, ref attr));

    /// <summary>The syscall itself: the result, or -1 with <paramref name="errno"/> set.</summary>
    private static int Invoke<TAttr>(BpfCommand command, ref TAttr attr, out Errno errno) where TAttr : unmanaged
    {
        if (BpfSyscallNumber < 0)
            throw new PlatformNotSupportedException($"bpf(2) on {RuntimeInformation.ProcessArchitecture} is not supported (x86-64 and arm64 are)");
        for (int attempt = 1; ; attempt++)
        {
            long result;
            fixed (TAttr* p = &attr)
                result = Syscall(BpfSyscallNumber, (long)command, p, sizeof(TAttr));
            if (result >= 0)
            {
                errno = Errno.None;
                return (int)result;
            }
            errno = (Errno)Marshal.GetLastPInvokeError();
            if (errno == Errno.EAGAIN && command == BpfCommand.ProgLoad && attempt < ProgLoadAttempts)
                continue;
            if (errno == Errno.EINTR && command == BpfCommand.ProgTestRun && attempt < TestRunAttempts)
                continue;
            return -1;
        }
    }

    /// <summary>
    /// The exception for a failed command: <see cref="BpfNotSupportedException"/> for ENOTSUPP and
    /// EOPNOTSUPP, for ENOSYS (no bpf(2)), and for EINVAL from a command newer than the running kernel
    /// (the kernel's answer to a command it does not know); <see cref="BpfException"/> otherwise.
    /// </summary>
    public static BpfException Error(BpfCommand command, Errno errno)
    {
        string name = BpfCommandNames.Of(command);
        if (errno is Errno.ENOTSUPP or Errno.EOPNOTSUPP)
            return new BpfNotSupportedException(name, null, command, errno);
        if (errno == Errno.ENOSYS)
            return new BpfNotSupportedException("bpf(2)", new Version(3, 18), command, errno);
        if (errno == Errno.EINVAL && FeatureVersions.Of(command) is { } minimum && LinuxKernel.Version < minimum)
            return new BpfNotSupportedException(name, minimum, command, errno);
        return new BpfException(command, errno);
    }

    /// <summary>A pointer as the kernel's __aligned_u64.</summary>
    public static ulong Pointer(void* p) => (ulong)p;
}
