using System.Runtime.InteropServices;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Netlink;

/// <summary>The socket calls of a netlink client (include/uapi/linux/netlink.h), as libc returns them.</summary>
internal static unsafe partial class NetlinkNative
{
    /// <summary>socket(2).</summary>
    [LibraryImport(Libc.Name, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    /// <summary>bind(2).</summary>
    [LibraryImport(Libc.Name, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, void* address, uint length);

    /// <summary>send(2).</summary>
    [LibraryImport(Libc.Name, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, void* buffer, nuint length, int flags);

    /// <summary>recv(2).</summary>
    [LibraryImport(Libc.Name, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, void* buffer, nuint length, int flags);

    /// <summary>setsockopt(2).</summary>
    [LibraryImport(Libc.Name, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    /// <summary>AF_NETLINK.</summary>
    public const int AfNetlink = 16;
    /// <summary>SOCK_RAW.</summary>
    public const int SockRaw = 3;
    /// <summary>SOCK_CLOEXEC.</summary>
    public const int SockCloexec = 0x80000;
    /// <summary>NETLINK_ROUTE.</summary>
    public const int NetlinkRoute = 0;
    /// <summary>SOL_NETLINK.</summary>
    public const int SolNetlink = 270;
    /// <summary>NETLINK_EXT_ACK: error messages carry the kernel's text (NLMSGERR_ATTR_MSG).</summary>
    public const int NetlinkExtAck = 11;
}
