using System.Net;
using System.Net.Sockets;
using SharpBpf.Core;
using SharpBpf.Linux.Attach;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>XDP, tcx and cls_bpf on a veth pair in namespaces of the test's own; socket filters on loopback.</summary>
public sealed class AttachNetworkTests
{
    private const int XdpPass = 2;
    private const int TcActOk = 0;

    [Theory]
    [InlineData(XdpAttachMode.Default, "xdp")]
    [InlineData(XdpAttachMode.Generic, "xdpgeneric")]
    [InlineData(XdpAttachMode.Native, "xdp")]
    public void Xdp_link_sees_packets_and_leaves_the_interface_on_dispose(XdpAttachMode mode, string ipShows)
    {
        Kernel.Require();
        using var veth = new VethPair();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Xdp, "", XdpPass);
        var link = veth.InA(() => Link.Xdp(program, veth.DevA, mode));
        try
        {
            var info = link.GetInfo();
            Assert.Equal(LinkType.Xdp, info.Type);
            Assert.Equal((uint)veth.IfindexA, info.Raw.XdpIfindex);
            string shown = veth.IpA("-d", "link", "show", "dev", veth.DevA);
            // ip -d: "mtu 1500 xdpgeneric qdisc ..." (veth's default is native) and "prog/xdp id N".
            Assert.Contains($" mtu 1500 {ipShows} qdisc ", shown, StringComparison.Ordinal);
            Assert.Contains($"prog/xdp id {program.Id} ", shown, StringComparison.Ordinal);
            veth.SendFromB(3);
            Assert.True(counter.Value >= 3, $"XDP saw {counter.Value} packets, expected the ARP request and 3 datagrams at least");
        }
        finally
        {
            link.Dispose();
        }
        Assert.DoesNotContain("prog/xdp", veth.IpA("-d", "link", "show", "dev", veth.DevA), StringComparison.Ordinal);
        ulong seen = counter.Value;
        veth.SendFromB(2);
        Assert.Equal(seen, counter.Value);
    }

    [Fact]
    public void Second_xdp_link_on_an_interface_is_busy()
    {
        Kernel.Require();
        using var veth = new VethPair();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Xdp, "", XdpPass);
        using var first = veth.InA(() => Link.Xdp(program, veth.IfindexA));
        var e = Assert.Throws<BpfException>(() => veth.InA(() => Link.Xdp(program, veth.IfindexA)));
        Assert.Equal(Errno.EBUSY, e.Errno);
        Assert.StartsWith($"attach program 'attach_count' to xdp on ifindex {veth.IfindexA}: BPF_LINK_CREATE: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tcx_ingress_link_sees_packets_and_orders_programs_by_anchor()
    {
        Kernel.Require();
        using var veth = new VethPair();
        using var counter = new Counter();
        using var second = new Counter("second");
        using var program = counter.Load(ProgramType.SchedCls, "", TcActOk);
        // TCX_NEXT (-1) lets the packet go on to the next program.
        using var first = second.Load(ProgramType.SchedCls, "", -1, new ProgramLoadOptions { Name = "tcx_first" });
        var link = veth.InA(() => Link.Tcx(program, veth.IfindexA, AttachType.TcxIngress));
        var head = veth.InA(() => Link.Tcx(first, veth.IfindexA, AttachType.TcxIngress, new TcxOptions { Anchor = Anchor.BeforeLink(link) }));
        uint[] ids = [link.KernelLink!.Id, head.KernelLink!.Id];
        try
        {
            var info = link.GetInfo();
            Assert.Equal(LinkType.Tcx, info.Type);
            Assert.Equal((uint)veth.IfindexA, info.Raw.TcxIfindex);
            Assert.Equal((uint)AttachType.TcxIngress, info.Raw.TcxAttachType);
            ulong before = counter.Value, beforeHead = second.Value;
            veth.SendFromB(3);
            Assert.True(counter.Value - before >= 3, $"tcx saw {counter.Value - before} packets");
            // The anchored program runs first and passes every packet on to the other.
            Assert.Equal(counter.Value - before, second.Value - beforeHead);
        }
        finally
        {
            head.Dispose();
            link.Dispose();
        }
        ulong seen = counter.Value;
        veth.SendFromB(2);
        Assert.Equal(seen, counter.Value);
        Eventually.True(() => !KernelObjectIds.Links().Intersect(ids).Any(), "tcx links outlived Dispose");
    }

    [Fact]
    public void Tc_classifier_adds_clsact_and_a_direct_action_filter_and_removes_both()
    {
        Kernel.Require();
        Commands.Require("tc");
        using var veth = new VethPair();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.SchedCls, "", TcActOk, new ProgramLoadOptions { Name = "cls_count" });
        var link = veth.InA(() => Link.TcClassifier(program, veth.IfindexA, AttachType.TcxIngress));
        try
        {
            Assert.Null(link.KernelLink);
            Assert.False(link.CanPin);
            Assert.Contains("clsact", veth.TcA("qdisc", "show", "dev", veth.DevA), StringComparison.Ordinal);
            string filters = veth.TcA("filter", "show", "dev", veth.DevA, "ingress");
            Assert.Contains($"bpf chain 0 handle 0x1 cls_count:[{program.Id}] direct-action", filters, StringComparison.Ordinal);
            Assert.Equal("", veth.TcA("filter", "show", "dev", veth.DevA, "egress"));
            veth.SendFromB(3);
            Assert.True(counter.Value >= 3, $"cls_bpf saw {counter.Value} packets");
        }
        finally
        {
            link.Dispose();
        }
        Assert.Equal("", veth.TcA("filter", "show", "dev", veth.DevA, "ingress"));
        Assert.DoesNotContain("clsact", veth.TcA("qdisc", "show", "dev", veth.DevA), StringComparison.Ordinal);
        ulong seen = counter.Value;
        veth.SendFromB(2);
        Assert.Equal(seen, counter.Value);
    }

    [Fact]
    public void Tc_classifier_leaves_a_clsact_qdisc_it_did_not_add()
    {
        Kernel.Require();
        Commands.Require("tc");
        using var veth = new VethPair();
        veth.TcA("qdisc", "add", "dev", veth.DevA, "clsact");
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.SchedCls, "", TcActOk);
        using (veth.InA(() => Link.TcClassifier(program, veth.IfindexA, AttachType.TcxEgress, new TcClassifierOptions { Priority = 7, Handle = 3 })))
        {
            string filters = veth.TcA("filter", "show", "dev", veth.DevA, "egress");
            Assert.Contains("pref 7 bpf chain 0 handle 0x3", filters, StringComparison.Ordinal);
            // A ping from A: the egress filter sees A's ARP request and datagram.
            Commands.Run("ip", "netns", "exec", veth.NsA, "bash", "-c", "echo hi > /dev/udp/10.0.0.2/9");
            Assert.True(counter.Value >= 1);
        }
        Assert.Equal("", veth.TcA("filter", "show", "dev", veth.DevA, "egress"));
        Assert.Contains("clsact", veth.TcA("qdisc", "show", "dev", veth.DevA), StringComparison.Ordinal);
    }

    [Fact]
    public void Tc_picks_tcx_on_this_kernel()
    {
        Kernel.Require();
        using var veth = new VethPair();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.SchedCls, "", TcActOk);
        using var link = veth.InA(() => Link.Tc(program, veth.IfindexA, AttachType.TcxEgress));
        Assert.Equal(LinuxKernel.Version >= new Version(6, 6) ? LinkType.Tcx : LinkType.Unspec, link.KernelLink?.Type ?? LinkType.Unspec);
        Assert.Throws<ArgumentException>(() => Link.Tc(program, veth.IfindexA, AttachType.Xdp));
    }

    [Fact]
    public void Socket_filter_sees_each_datagram_of_its_socket_until_detached()
    {
        Kernel.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.SocketFilter, "", -1);
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        receiver.ReceiveTimeout = 5000;
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var buffer = new byte[64];
        using (var link = Link.SocketFilter(program, receiver))
        {
            Assert.Null(link.KernelLink);
            for (int i = 0; i < 4; i++)
            {
                sender.SendTo("ping"u8, receiver.LocalEndPoint!);
                Assert.Equal(4, receiver.Receive(buffer));
            }
            Assert.Equal(4UL, counter.Value);
        }
        sender.SendTo("ping"u8, receiver.LocalEndPoint!);
        Assert.Equal(4, receiver.Receive(buffer));
        Assert.Equal(4UL, counter.Value);
    }

    [Fact]
    public void Socket_filter_that_returns_zero_drops_and_closing_the_socket_first_is_fine()
    {
        Kernel.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.SocketFilter, "", 0);
        var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var link = Link.SocketFilter(program, receiver);
        sender.SendTo("drop"u8, receiver.LocalEndPoint!);
        Eventually.True(() => counter.Value == 1, "the filter did not see the datagram");
        Assert.Equal(0, receiver.Available);
        receiver.Dispose();
        link.Dispose(); // the socket took its filter with it
    }
}
