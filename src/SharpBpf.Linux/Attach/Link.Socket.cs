using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Attach;

public abstract partial class Link
{
    /// <summary>
    /// Attaches a socket_filter program to <paramref name="socket"/> (setsockopt SO_ATTACH_BPF, 3.19):
    /// the program sees every packet the socket would receive and returns how many bytes to keep
    /// (0 drops it). Replaces any filter the socket had.
    /// </summary>
    public static Link SocketFilter(KernelProgram program, Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return SocketFilter(program, socket.SafeHandle);
    }

    /// <summary>Attaches a socket_filter program to the socket whose descriptor <paramref name="socket"/> holds.</summary>
    public static unsafe Link SocketFilter(KernelProgram program, SafeHandle socket)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(socket);
        bool added = false;
        socket.DangerousAddRef(ref added);
        try
        {
            int fd = (int)socket.DangerousGetHandle();
            string target = string.Create(CultureInfo.InvariantCulture, $"socket fd {fd}");
            using var p = program.Fd.Acquire();
            int programFd = p.Value;
            if (AttachNative.SetSockOpt(fd, AttachNative.SolSocket, AttachNative.SoAttachBpf, &programFd, sizeof(int)) != 0)
                throw AttachNative.Error("setsockopt(SO_ATTACH_BPF)").WithContext(AttachContext(program, target));
            return new SocketFilterLink(socket, target, program.Id);
        }
        finally
        {
            if (added)
                socket.DangerousRelease();
        }
    }

    /// <summary>
    /// Attaches a cgroup program (cgroup_skb, cgroup/sock_create, cgroup/connect4, sockops, ...) to
    /// the cgroup v2 directory <paramref name="cgroupPath"/> at hook <paramref name="attachType"/>:
    /// BPF_LINK_CREATE on the directory's fd (5.7), a bpf_link of type cgroup that runs alongside
    /// other programs there (BPF_F_ALLOW_MULTI semantics).
    /// </summary>
    public static Link Cgroup(KernelProgram program, string cgroupPath, AttachType attachType)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(cgroupPath);
        string target = $"cgroup {cgroupPath} {TypeName(attachType)}";
        try
        {
            int dir = AttachNative.Open(cgroupPath, AttachNative.ORdOnly | AttachNative.ODirectory | AttachNative.OCloexec);
            if (dir < 0)
                throw AttachNative.Error($"open {cgroupPath}");
            using var cgroup = new BpfFileDescriptor(dir);
            using var p = program.Fd.Acquire();
            using var c = cgroup.Acquire();
            var attr = new LinkCreateAttr { ProgFd = p.Fd, TargetFd = c.Fd, AttachType = (uint)attachType };
            return new FdLink(KernelLink.FromFd(Sys.BpfFd(BpfCommand.LinkCreate, ref attr)), target, program.Id);
        }
        catch (BpfException e)
        {
            throw e.WithContext(AttachContext(program, target));
        }
    }
}
