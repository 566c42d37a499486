using System.Runtime.InteropServices;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Attach;

/// <summary>
/// The libc calls the attach code needs besides bpf(2) and perf_event_open(2): socket options,
/// opening a cgroup directory, interface names. Each returns what libc returns (-1 with errno).
/// </summary>
internal static unsafe partial class AttachNative
{
    /// <summary>setsockopt(2).</summary>
    [LibraryImport(Libc.Name, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    /// <summary>open(2) of a path.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    /// <summary>if_nametoindex(3): 0 when there is no such interface.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial uint IfNameToIndex(string name);

    /// <summary>if_indextoname(3) into a buffer of IF_NAMESIZE bytes: null when there is no such interface.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "if_indextoname", SetLastError = true)]
    public static partial byte* IfIndexToName(uint index, byte* name);

    /// <summary>IF_NAMESIZE (include/uapi/linux/if.h).</summary>
    public const int IfNameSize = 16;

    /// <summary>SOL_SOCKET (include/uapi/asm-generic/socket.h; the same on x86-64 and arm64).</summary>
    public const int SolSocket = 1;

    /// <summary>SO_ATTACH_BPF: attach an eBPF socket filter program by fd.</summary>
    public const int SoAttachBpf = 50;

    /// <summary>SO_DETACH_BPF (= SO_DETACH_FILTER): remove the socket's filter, classic or eBPF.</summary>
    public const int SoDetachBpf = 27;

    /// <summary>O_RDONLY.</summary>
    public const int ORdOnly = 0;

    /// <summary>O_CLOEXEC.</summary>
    public const int OCloexec = 0x80000;

    /// <summary>O_DIRECTORY: 0200000 in asm-generic (x86-64), 040000 on arm64 (arch/arm64/include/uapi/asm/fcntl.h).</summary>
    public static readonly int ODirectory = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;

    /// <summary>The last errno as a <see cref="BpfException"/> with what was being done.</summary>
    public static BpfException Error(string what)
    {
        var errno = (Errno)Marshal.GetLastPInvokeError();
        return new BpfException(what, errno);
    }
}
