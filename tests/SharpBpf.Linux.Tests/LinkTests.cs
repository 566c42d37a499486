using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Linux.Native;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>KernelLink over a raw tracepoint link (BPF_RAW_TRACEPOINT_OPEN, issued directly: attaching is the attach code's job).</summary>
public sealed class LinkTests
{
    private static unsafe KernelLink AttachRawTracepoint(KernelProgram program, string tracepoint)
    {
        using var fd = program.Fd.Acquire();
        fixed (byte* name = Sys.Utf8Z(tracepoint))
        {
            var attr = new RawTracepointOpenAttr { Name = Sys.Pointer(name), ProgFd = fd.Fd };
            return KernelLink.FromFd(Sys.BpfFd(BpfCommand.RawTracepointOpen, ref attr));
        }
    }

    [Fact]
    public void Raw_tracepoint_link_reports_itself_and_pins()
    {
        Kernel.RequireBpfFs();
        using var first = KernelProgram.Load(ProgramType.RawTracepoint, Assembler.Assemble("r0 = 0\nexit\n"), "GPL", new ProgramLoadOptions { Name = "rtp_first" });
        using var link = AttachRawTracepoint(first, "sys_enter");
        Assert.Equal(LinkType.RawTracepoint, link.Type);
        var info = link.GetInfo();
        Assert.Equal(LinkType.RawTracepoint, info.Type);
        Assert.Equal("sys_enter", info.TracepointName);
        Assert.Equal(first.Id, info.ProgramId);
        Assert.Equal(link.Id, info.Id);
        Assert.Contains(link.Id, KernelObjectIds.Links());

        string path = Kernel.PinPath("link");
        try
        {
            link.Pin(path);
            using (var pinned = KernelLink.OpenPinned(path))
                Assert.Equal(link.Id, pinned.Id);
            using (var byId = KernelLink.FromId(link.Id))
                Assert.Equal(LinkType.RawTracepoint, byId.Type);
            link.Unpin();
            Assert.False(File.Exists(path));
        }
        finally
        {
            File.Delete(path);
        }

        // Raw tracepoint links cannot switch programs (no update_prog in bpf_raw_tp_link_lops).
        using var second = KernelProgram.Load(ProgramType.RawTracepoint, Assembler.Assemble("r0 = 0\nexit\n"), "GPL");
        var e = Assert.Throws<BpfException>(() => link.Update(second));
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.StartsWith($"update raw_tracepoint link {link.Id} to raw_tracepoint program: BPF_LINK_UPDATE", e.Message, StringComparison.Ordinal);

        // Nor detach: bpf_raw_tp_link_lops has no .detach (EOPNOTSUPP), which says so in a typed error.
        var detach = Assert.Throws<BpfNotSupportedException>(link.Detach);
        Assert.Equal("BPF_LINK_DETACH of raw_tracepoint links", detach.Feature);
        Assert.Equal(Errno.EOPNOTSUPP, detach.Errno);
        Assert.Equal(first.Id, link.GetInfo().ProgramId);
    }
}
