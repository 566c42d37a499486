using System.Runtime.InteropServices;

namespace SharpBpf.Linux.Attach;

/// <summary>
/// A socket_filter program on one socket (SO_ATTACH_BPF). Dispose removes the socket's filter
/// (SO_DETACH_BPF) unless the socket is closed already, which removed it. Not a bpf_link.
/// </summary>
internal sealed unsafe class SocketFilterLink(SafeHandle socket, string target, uint programId) : Link(target, programId)
{
    /// <inheritdoc/>
    public override KernelLink? KernelLink => null;

    private protected override void Detach()
    {
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return; // closed: the kernel dropped the filter with the socket
        }
        try
        {
            int zero = 0;
            if (AttachNative.SetSockOpt((int)socket.DangerousGetHandle(), AttachNative.SolSocket, AttachNative.SoDetachBpf, &zero, sizeof(int)) != 0)
            {
                var errno = (Errno)Marshal.GetLastPInvokeError();
                // ENOENT: no filter on the socket any more (detached by someone else).
                if (errno != Errno.ENOENT)
                    throw new BpfException($"setsockopt(SO_DETACH_BPF) of {Target}", errno);
            }
        }
        finally
        {
            if (added)
                socket.DangerousRelease();
        }
    }
}
