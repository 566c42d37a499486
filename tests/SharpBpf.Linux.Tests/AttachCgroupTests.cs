using SharpBpf.Core;
using SharpBpf.Linux.Attach;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>cgroup programs on a cgroup v2 directory of the test's own, with a child process inside it.</summary>
public sealed class AttachCgroupTests
{
    // A datagram from bash to the discard port on loopback, sent by a process in the cgroup.
    private const string SendOne = "echo hi > /dev/udp/127.0.0.1/9";

    [Fact]
    public void Cgroup_skb_egress_counts_the_packets_of_processes_in_the_cgroup()
    {
        Kernel.Require();
        using var cgroup = new TestCgroup();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.CgroupSkb, "", 1,
            new ProgramLoadOptions { Name = "skb_count", ExpectedAttachType = AttachType.CgroupInetEgress });
        uint id;
        using (var link = Link.Cgroup(program, cgroup.Path, AttachType.CgroupInetEgress))
        {
            var info = link.GetInfo();
            Assert.Equal(LinkType.Cgroup, info.Type);
            Assert.Equal((uint)AttachType.CgroupInetEgress, info.Raw.CgroupAttachType);
            // cgroup ids are the directory's inode number on cgroup2 (kernfs).
            Assert.Equal(ulong.Parse(Commands.Run("stat", "-c", "%i", cgroup.Path).Trim(), System.Globalization.CultureInfo.InvariantCulture),
                info.Raw.CgroupCgroupId);
            id = info.Id;
            cgroup.Run(SendOne);
            cgroup.Run(SendOne);
            Assert.Equal(2UL, counter.Value);
            // A process outside the cgroup is not counted.
            Commands.Run("bash", "-c", SendOne);
            Assert.Equal(2UL, counter.Value);
        }
        Eventually.True(() => !KernelObjectIds.Links().Contains(id), "the cgroup link outlived Dispose");
        cgroup.Run(SendOne);
        Assert.Equal(2UL, counter.Value);
    }

    [Fact]
    public void Cgroup_sock_create_counts_sockets_made_in_the_cgroup()
    {
        Kernel.Require();
        using var cgroup = new TestCgroup();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.CgroupSock, "", 1,
            new ProgramLoadOptions { Name = "sock_count", ExpectedAttachType = AttachType.CgroupInetSockCreate });
        using (Link.Cgroup(program, cgroup.Path, AttachType.CgroupInetSockCreate))
        {
            cgroup.Run(SendOne + "; " + SendOne + "; " + SendOne);
            Assert.Equal(3UL, counter.Value);
        }
        cgroup.Run(SendOne);
        Assert.Equal(3UL, counter.Value);
    }

    [Fact]
    public void Cgroup_that_is_not_a_directory_is_an_error()
    {
        Kernel.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.CgroupSkb, "", 1);
        var e = Assert.Throws<BpfException>(() => Link.Cgroup(program, "/nonexistent/cgroup", AttachType.CgroupInetEgress));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Equal("attach program 'attach_count' to cgroup /nonexistent/cgroup cgroup_inet_egress: open /nonexistent/cgroup: No such file or directory (ENOENT)", e.Message);
    }
}
