using System.Buffers.Binary;

namespace SharpBpf.Linux.Netlink;

/// <summary>
/// The tc operations behind a cls_bpf attachment, over rtnetlink as `tc` and libbpf's bpf_tc_*
/// issue them: the clsact qdisc (RTM_NEWQDISC/RTM_DELQDISC, kind "clsact") and "bpf" filters in
/// direct-action mode on its ingress or egress hook (RTM_NEWTFILTER/RTM_DELTFILTER/RTM_GETTFILTER).
/// </summary>
internal static class TrafficControl
{
    // include/uapi/linux/rtnetlink.h.
    private const ushort NewQdisc = 36;
    private const ushort DeleteQdisc = 37;
    private const ushort NewFilter = 44;
    private const ushort DeleteFilterMessage = 45;
    private const ushort GetFilter = 46;

    // include/uapi/linux/pkt_sched.h: TC_H_CLSACT, TC_H_MIN_INGRESS, TC_H_MIN_EGRESS.
    private const uint HandleClsact = 0xFFFF_FFF1;
    private const uint ClsactQdiscHandle = 0xFFFF_0000;
    private const uint MinorIngress = 0xFFF2;
    private const uint MinorEgress = 0xFFF3;

    // include/uapi/linux/rtnetlink.h TCA_KIND, TCA_OPTIONS; include/uapi/linux/pkt_cls.h TCA_BPF_*.
    private const ushort TcaKind = 1;
    private const ushort TcaOptions = 2;
    private const ushort TcaBpfFd = 6;
    private const ushort TcaBpfName = 7;
    private const ushort TcaBpfFlags = 8;
    private const uint TcaBpfFlagActDirect = 1;

    // ETH_P_ALL (include/uapi/linux/if_ether.h) in network byte order, as tcm_info's low half.
    private const uint ProtocolAll = 0x0300;

    private const int TcMessageSize = 20;

    /// <summary>The parent of filters on the clsact ingress or egress hook: TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_*).</summary>
    public static uint Parent(bool ingress) => (HandleClsact & 0xFFFF_0000) | (ingress ? MinorIngress : MinorEgress);

    /// <summary>Adds the clsact qdisc to the interface; false when it was already there (EEXIST).</summary>
    public static bool CreateClsact(RtNetlinkSocket socket, int ifindex)
    {
        uint seq = socket.NextSequence();
        var m = new NetlinkMessage(NewQdisc, NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck | NetlinkMessage.FlagCreate | NetlinkMessage.FlagExcl, seq);
        m.Append(TcMessage(ifindex, ClsactQdiscHandle, HandleClsact, 0));
        m.Attribute(TcaKind, "clsact");
        try
        {
            socket.Request(m, seq, $"add clsact qdisc to ifindex {ifindex}: RTM_NEWQDISC");
            return true;
        }
        catch (BpfException e) when (e.Errno == Errno.EEXIST)
        {
            return false;
        }
    }

    /// <summary>Removes the clsact qdisc and every filter under it.</summary>
    public static void DeleteClsact(RtNetlinkSocket socket, int ifindex)
    {
        uint seq = socket.NextSequence();
        var m = new NetlinkMessage(DeleteQdisc, NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck, seq);
        m.Append(TcMessage(ifindex, ClsactQdiscHandle, HandleClsact, 0));
        m.Attribute(TcaKind, "clsact");
        socket.Request(m, seq, $"delete clsact qdisc of ifindex {ifindex}: RTM_DELQDISC");
    }

    /// <summary>
    /// Adds a direct-action "bpf" filter running <paramref name="programFd"/> under <paramref name="parent"/>;
    /// a zero <paramref name="handle"/> or <paramref name="priority"/> lets the kernel choose, and the
    /// ones it chose come back (NLM_F_ECHO), as libbpf's bpf_tc_attach.
    /// </summary>
    public static (uint Handle, ushort Priority) AddBpfFilter(RtNetlinkSocket socket, int ifindex, uint parent, int programFd,
        string name, uint handle, ushort priority)
    {
        uint seq = socket.NextSequence();
        var m = new NetlinkMessage(NewFilter,
            NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck | NetlinkMessage.FlagCreate | NetlinkMessage.FlagExcl | NetlinkMessage.FlagEcho, seq);
        m.Append(TcMessage(ifindex, handle, parent, ((uint)priority << 16) | ProtocolAll));
        m.Attribute(TcaKind, "bpf");
        int options = m.BeginNested(TcaOptions);
        m.Attribute(TcaBpfFd, (uint)programFd);
        m.Attribute(TcaBpfName, name);
        m.Attribute(TcaBpfFlags, TcaBpfFlagActDirect);
        m.EndNested(options);
        var replies = socket.Request(m, seq, $"add bpf filter to ifindex {ifindex}: RTM_NEWTFILTER");
        foreach (var reply in replies)
        {
            if (Type(reply) == NewFilter && reply.Length >= NetlinkMessage.HeaderSize + TcMessageSize)
            {
                var tc = reply.AsSpan(NetlinkMessage.HeaderSize);
                return (BinaryPrimitives.ReadUInt32LittleEndian(tc[8..]), (ushort)(BinaryPrimitives.ReadUInt32LittleEndian(tc[16..]) >> 16));
            }
        }
        throw new BpfException($"add bpf filter to ifindex {ifindex}: the kernel did not echo the new filter");
    }

    /// <summary>Removes the "bpf" filter with <paramref name="handle"/> and <paramref name="priority"/>.</summary>
    public static void DeleteFilter(RtNetlinkSocket socket, int ifindex, uint parent, uint handle, ushort priority)
    {
        uint seq = socket.NextSequence();
        var m = new NetlinkMessage(DeleteFilterMessage, NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck, seq);
        m.Append(TcMessage(ifindex, handle, parent, ((uint)priority << 16) | ProtocolAll));
        m.Attribute(TcaKind, "bpf");
        socket.Request(m, seq, $"delete bpf filter {priority}:{handle:x} of ifindex {ifindex}: RTM_DELTFILTER");
    }

    /// <summary>The number of filter records (of any kind) under <paramref name="parent"/> (RTM_GETTFILTER dump).</summary>
    public static int CountFilters(RtNetlinkSocket socket, int ifindex, uint parent)
    {
        uint seq = socket.NextSequence();
        var m = new NetlinkMessage(GetFilter, NetlinkMessage.FlagRequest | NetlinkMessage.FlagDump, seq);
        m.Append(TcMessage(ifindex, 0, parent, 0));
        int count = 0;
        foreach (var reply in socket.Request(m, seq, $"list filters of ifindex {ifindex}: RTM_GETTFILTER"))
        {
            if (Type(reply) == NewFilter)
                count++;
        }
        return count;
    }

    // struct tcmsg: family (AF_UNSPEC), pads, ifindex, handle, parent, info.
    private static byte[] TcMessage(int ifindex, uint handle, uint parent, uint info)
    {
        var tc = new byte[TcMessageSize];
        BinaryPrimitives.WriteInt32LittleEndian(tc.AsSpan(4), ifindex);
        BinaryPrimitives.WriteUInt32LittleEndian(tc.AsSpan(8), handle);
        BinaryPrimitives.WriteUInt32LittleEndian(tc.AsSpan(12), parent);
        BinaryPrimitives.WriteUInt32LittleEndian(tc.AsSpan(16), info);
        return tc;
    }

    private static ushort Type(byte[] message) => BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(4));
}
