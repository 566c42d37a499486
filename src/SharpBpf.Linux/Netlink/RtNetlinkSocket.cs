using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using SharpBpf.Linux.Attach;

namespace SharpBpf.Linux.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket that sends one request at a time and collects the kernel's answer: the
/// replies up to the ACK (or NLMSG_DONE of a dump), or the error with the kernel's extended-ack text
/// ("Exclusivity flag on, cannot modify"). The socket stays in the network namespace it was opened
/// in, so an owner that keeps it can undo its work from any thread.
/// </summary>
internal sealed unsafe class RtNetlinkSocket : IDisposable
{
    // include/uapi/linux/netlink.h.
    private const ushort MessageError = 2;
    private const ushort MessageDone = 3;
    private const ushort FlagCapped = 0x100;
    private const ushort FlagAckTlvs = 0x200;
    private const ushort ErrorAttributeMessage = 1;

    private readonly BpfFileDescriptor _fd;
    private uint _sequence = (uint)Environment.TickCount;

    private RtNetlinkSocket(BpfFileDescriptor fd) => _fd = fd;

    /// <summary>Opens and binds a socket in the calling thread's network namespace.</summary>
    public static RtNetlinkSocket Open()
    {
        int fd = NetlinkNative.Socket(NetlinkNative.AfNetlink, NetlinkNative.SockRaw | NetlinkNative.SockCloexec, NetlinkNative.NetlinkRoute);
        if (fd < 0)
            throw AttachNative.Error("socket(AF_NETLINK, NETLINK_ROUTE)");
        var socket = new RtNetlinkSocket(new BpfFileDescriptor(fd));
        try
        {
            int one = 1;
            // Best effort, as libbpf: without it errors come back without the kernel's text.
            _ = NetlinkNative.SetSockOpt(fd, NetlinkNative.SolNetlink, NetlinkNative.NetlinkExtAck, &one, sizeof(int));
            Span<byte> address = stackalloc byte[12]; // struct sockaddr_nl: family, pad, pid 0 (kernel assigns), groups 0
            address.Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(address, NetlinkNative.AfNetlink);
            fixed (byte* a = address)
            {
                if (NetlinkNative.Bind(fd, a, (uint)address.Length) != 0)
                    throw AttachNative.Error("bind(AF_NETLINK)");
            }
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The sequence number for the next request.</summary>
    public uint NextSequence() => ++_sequence;

    /// <summary>
    /// Sends <paramref name="message"/> (built with <paramref name="sequence"/> and NLM_F_ACK or a dump
    /// flag) and returns every reply message before the ACK or NLMSG_DONE, each whole (header included).
    /// Throws a <see cref="BpfException"/> named <paramref name="what"/> with the errno and the kernel's text.
    /// </summary>
    public List<byte[]> Request(NetlinkMessage message, uint sequence, string what)
    {
        var request = message.ToArray();
        using var lease = _fd.Acquire();
        fixed (byte* p = request)
        {
            if (NetlinkNative.Send(lease.Value, p, (nuint)request.Length, 0) != request.Length)
                throw AttachNative.Error(what + ": send");
        }
        var replies = new List<byte[]>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            nint n;
            fixed (byte* b = buffer)
                n = NetlinkNative.Recv(lease.Value, b, (nuint)buffer.Length, 0);
            if (n < 0)
            {
                if ((Errno)Marshal.GetLastPInvokeError() == Errno.EINTR)
                    continue;
                throw AttachNative.Error(what + ": recv");
            }
            var data = buffer.AsSpan(0, (int)n);
            while (data.Length >= NetlinkMessage.HeaderSize)
            {
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
                if (length < NetlinkMessage.HeaderSize || length > data.Length)
                    throw new BpfException($"{what}: malformed netlink reply (message of {length} bytes in {data.Length})");
                var m = data[..length];
                ushort type = BinaryPrimitives.ReadUInt16LittleEndian(m[4..]);
                ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(m[6..]);
                uint seq = BinaryPrimitives.ReadUInt32LittleEndian(m[8..]);
                data = data[Math.Min(NetlinkMessage.Align(length), data.Length)..];
                if (seq != sequence)
                    continue;
                if (type == MessageError)
                {
                    int error = m.Length >= 20 ? BinaryPrimitives.ReadInt32LittleEndian(m[16..]) : 0;
                    if (error == 0)
                        return replies;
                    var extack = ExtendedAck(m, flags);
                    throw new BpfException(extack is null ? what : $"{what} ({extack})", (Errno)(-error));
                }
                if (type == MessageDone)
                    return replies;
                replies.Add(m.ToArray());
            }
        }
    }

    // struct nlmsgerr: int error, the request's header (and payload unless NLM_F_CAPPED), then
    // NLMSGERR_ATTR_* attributes when NLM_F_ACK_TLVS (include/uapi/linux/netlink.h).
    private static string? ExtendedAck(ReadOnlySpan<byte> m, ushort flags)
    {
        if ((flags & FlagAckTlvs) == 0 || m.Length < 36)
            return null;
        int at = 20 + ((flags & FlagCapped) != 0 ? NetlinkMessage.HeaderSize : (int)BinaryPrimitives.ReadUInt32LittleEndian(m[20..]));
        while (at + 4 <= m.Length)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(m[at..]);
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(m[(at + 2)..]);
            if (length < 4 || at + length > m.Length)
                break;
            if (type == ErrorAttributeMessage)
            {
                var text = m.Slice(at + 4, length - 4);
                int nul = text.IndexOf((byte)0);
                return Encoding.UTF8.GetString(nul < 0 ? text : text[..nul]);
            }
            at += NetlinkMessage.Align(length);
        }
        return null;
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _fd.Dispose();
}
