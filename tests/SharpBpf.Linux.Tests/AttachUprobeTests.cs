using System.Diagnostics;
using System.Globalization;
using SharpBpf.Core;
using SharpBpf.Linux.Attach;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>Uprobes and uretprobes on a program built at test time, by symbol, offset and address; uprobe_multi.</summary>
public sealed class AttachUprobeTests(UprobeTarget target) : IClassFixture<UprobeTarget>
{
    [Fact]
    public void Uprobe_by_symbol_counts_every_call_of_the_function()
    {
        Kernel.Require();
        string binary = target.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Kprobe);
        using (var link = Link.Uprobe(program, binary, "sharpbpf_target"))
        {
            target.Run(9);
            Assert.Equal(9UL, counter.Value);
            var info = link.GetInfo();
            Assert.Equal(LinkType.PerfEvent, info.Type);
            Assert.Equal(1u, info.Raw.PerfEventType); // BPF_PERF_EVENT_UPROBE
            Assert.Equal(binary, info.FileName);
            Assert.Equal(Executable.Open(binary).SymbolOffset("sharpbpf_target"), info.Raw.PerfEventUprobeOffset);
        }
        target.Run(4);
        Assert.Equal(9UL, counter.Value);
    }

    [Fact]
    public void Uretprobe_counts_every_return()
    {
        Kernel.Require();
        string binary = target.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Kprobe);
        using (var link = Link.Uretprobe(program, binary, "sharpbpf_other"))
        {
            target.Run(5);
            Assert.Equal(5UL, counter.Value);
            Assert.Equal(2u, link.GetInfo().Raw.PerfEventType); // BPF_PERF_EVENT_URETPROBE
        }
    }

    [Fact]
    public void Uprobe_by_offset_and_by_address_and_by_ioctl()
    {
        Kernel.Require();
        string binary = target.Require();
        var executable = Executable.Open(binary);
        ulong offset = executable.SymbolOffset("sharpbpf_target");
        // nm prints the symbol's virtual address; the PT_LOAD segment maps it to the same file offset.
        ulong address = ulong.Parse(Commands.Run("nm", binary).Split('\n').Single(l => l.EndsWith(" sharpbpf_target", StringComparison.Ordinal))[..16],
            NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.Equal(offset, executable.AddressToOffset(address));

        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Kprobe);
        using (Link.Uprobe(program, binary, offset))
        using (var ioctl = Link.Uprobe(program, binary, executable.AddressToOffset(address), new UprobeOptions { Mode = PerfEventAttachMode.Ioctl }))
        {
            Assert.Null(ioctl.KernelLink);
            target.Run(3);
            Assert.Equal(6UL, counter.Value); // two probes at the same place, three calls
        }
    }

    [Fact]
    public void Uprobe_in_libc_filtered_to_one_child_process()
    {
        Kernel.Require();
        string binary = target.Require();
        var libc = Executable.Open("libc.so.6");
        Assert.StartsWith("/", libc.Path, StringComparison.Ordinal);
        Assert.True(libc.SymbolOffset("getpid") > 0);

        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Kprobe);
        var psi = new ProcessStartInfo(binary) { RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add("8");
        psi.ArgumentList.Add("wait");
        using var child = Process.Start(psi)!;
        try
        {
            using var link = Link.Uprobe(program, "libc.so.6", "getpid", new UprobeOptions { Pid = child.Id });
            child.StandardInput.WriteLine("go");
            child.StandardInput.Close();
            Assert.True(child.WaitForExit(30_000));
            Assert.Equal(0, child.ExitCode);
            Assert.Equal(8UL, counter.Value);
        }
        finally
        {
            if (!child.HasExited)
                child.Kill();
        }
    }

    [Fact]
    public void Uprobe_through_tracefs_uprobe_events_when_the_pmu_is_not_used()
    {
        Kernel.Require();
        string binary = target.Require();
        if (!File.Exists("/sys/kernel/tracing/uprobe_events"))
            Assert.Skip("no tracefs uprobe_events");
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Kprobe);
        Link.PreferTracefsProbes = true;
        try
        {
            using (var link = Link.Uprobe(program, binary, "sharpbpf_target"))
            {
                var events = File.ReadAllText("/sys/kernel/tracing/uprobe_events");
                Assert.Contains($"p:sharpbpf/target_0x{Executable.Open(binary).SymbolOffset("sharpbpf_target"):x}_{Environment.ProcessId}_", events, StringComparison.Ordinal);
                target.Run(2);
                Assert.Equal(2UL, counter.Value);
                Assert.Equal(LinkType.PerfEvent, link.GetInfo().Type);
            }
            Assert.DoesNotContain($"_{Environment.ProcessId}_", File.ReadAllText("/sys/kernel/tracing/uprobe_events"), StringComparison.Ordinal);
        }
        finally
        {
            Link.PreferTracefsProbes = false;
        }
    }

    [Fact]
    public void Uprobe_multi_counts_calls_of_both_functions_in_one_link()
    {
        Kernel.Require();
        string binary = target.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Kprobe, "", 0,
            new ProgramLoadOptions { Name = "umulti_count", ExpectedAttachType = AttachType.TraceUprobeMulti });
        using (var link = Link.UprobeMulti(program, binary, ["sharpbpf_target", "sharpbpf_other"], new UprobeMultiOptions { Cookies = [7, 8] }))
        {
            target.Run(4);
            Assert.Equal(8UL, counter.Value);
            var info = link.GetInfo();
            Assert.Equal(LinkType.UprobeMulti, info.Type);
            Assert.Equal(2u, info.Raw.UprobeMultiCount);
            Assert.Equal(binary, info.FileName);
            var executable = Executable.Open(binary);
            Assert.Equal([executable.SymbolOffset("sharpbpf_target"), executable.SymbolOffset("sharpbpf_other")], info.Offsets);
            Assert.Equal([7UL, 8UL], info.Cookies);
        }
        target.Run(1);
        Assert.Equal(8UL, counter.Value);
    }

    [Fact]
    public void Missing_symbol_and_missing_file_are_errors_naming_them()
    {
        Kernel.Require();
        string binary = target.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Kprobe);
        var e = Assert.Throws<BpfException>(() => Link.Uprobe(program, binary, "no_such_function"));
        Assert.Equal($"attach program 'attach_count' to uprobe {binary}:no_such_function: {binary}: no function 'no_such_function' in .symtab or .dynsym", e.Message);
        var missing = Assert.Throws<BpfException>(() => Link.Uprobe(program, "/nonexistent/binary", "main"));
        Assert.Contains("/nonexistent/binary", missing.Message, StringComparison.Ordinal);
    }
}
