using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Linux.Attach;
using SharpBpf.ObjectFile.Btf;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>Tracepoints, raw tracepoints, tp_btf, kprobes, fentry and sampling perf events, each made to fire.</summary>
public sealed class AttachTracingTests
{
    [Fact]
    public void Tracepoint_link_counts_this_threads_openat_calls_and_stops_when_disposed()
    {
        Kernel.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Tracepoint, Counter.OnlyThisThread());
        using (var link = Link.Tracepoint(program, "syscalls", "sys_enter_openat"))
        {
            Assert.NotNull(link.KernelLink);
            Assert.True(link.CanPin);
            Assert.Equal("tracepoint syscalls/sys_enter_openat", link.Target);
            Assert.Equal(program.Id, link.ProgramId);
            TestNative.OpenDevNull(7);
            Assert.Equal(7UL, counter.Value);

            var info = link.GetInfo();
            Assert.Equal(LinkType.PerfEvent, info.Type);
            Assert.Equal(5u, info.Raw.PerfEventType); // BPF_PERF_EVENT_TRACEPOINT
            Assert.Equal("sys_enter_openat", info.TracepointName);
            Assert.Equal(program.Id, info.ProgramId);
            Assert.Contains(info.Id, KernelObjectIds.Links());
            uint id = info.Id;
            link.Dispose();
            Assert.True(link.IsDisposed);
            Eventually.True(() => !KernelObjectIds.Links().Contains(id), "the perf_event link outlived Dispose");
        }
        TestNative.OpenDevNull(3);
        Assert.Equal(7UL, counter.Value);
    }

    [Fact]
    public void Tracepoint_by_ioctl_is_not_a_link_but_perf_show_finds_it()
    {
        Kernel.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Tracepoint, Counter.OnlyThisThread());
        using (var link = Link.Tracepoint(program, "syscalls", "sys_enter_openat", new TracepointOptions { Mode = PerfEventAttachMode.Ioctl }))
        {
            Assert.Null(link.KernelLink);
            Assert.False(link.CanPin);
            var pin = Assert.Throws<BpfNotSupportedException>(() => link.Pin(Kernel.PinPath("ioctl")));
            Assert.Contains("not a bpf_link", pin.Message, StringComparison.Ordinal);
            // Throwing and asserting can open files on this thread (resources, symbols): count from here.
            ulong before = counter.Value;
            TestNative.OpenDevNull(4);
            Assert.Equal(before + 4, counter.Value);

            // bpftool perf: the perf event fd of this process, with the program on the tracepoint.
            var mine = TaskFdQuery.All().Where(a => a.Pid == Environment.ProcessId && a.ProgramId == program.Id).ToList();
            var found = Assert.Single(mine);
            Assert.Equal(TaskFdType.Tracepoint, found.Type);
            Assert.Equal("sys_enter_openat", found.Name);
        }
        ulong detached = counter.Value;
        TestNative.OpenDevNull(2);
        Assert.Equal(detached, counter.Value);
        Assert.DoesNotContain(TaskFdQuery.All(), a => a.ProgramId == program.Id);
    }

    [Fact]
    public void Missing_tracepoint_is_an_error_naming_it()
    {
        Kernel.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Tracepoint);
        var e = Assert.Throws<BpfException>(() => Link.Tracepoint(program, "syscalls", "sys_enter_no_such_call"));
        Assert.Null(e.Command);
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.StartsWith("attach program 'attach_count' to tracepoint syscalls/sys_enter_no_such_call: tracepoint syscalls/sys_enter_no_such_call (no ",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_tracepoint_counts_this_threads_getppid_calls()
    {
        Kernel.Require();
        using var counter = new Counter();
        // struct bpf_raw_tracepoint_args: args[1] of sys_enter is the syscall number.
        string prelude = Counter.OnlyThisThread() + $"\nr1 = *(u64 *)(r6 + 8)\nif r1 != {TestNative.GetPpidNumber} goto out\n";
        using var program = counter.Load(ProgramType.RawTracepoint, prelude);
        using (var link = Link.RawTracepoint(program, "sys_enter"))
        {
            TestNative.CallGetPpid(5);
            Assert.Equal(5UL, counter.Value);
            var info = link.GetInfo();
            Assert.Equal(LinkType.RawTracepoint, info.Type);
            Assert.Equal("sys_enter", info.TracepointName);

            // bpftool perf lists raw tracepoint links by the fd that holds them.
            var found = Assert.Single(TaskFdQuery.All(), a => a.ProgramId == program.Id);
            Assert.Equal(TaskFdType.RawTracepoint, found.Type);
            Assert.Equal("sys_enter", found.Name);
            Assert.Equal(link.KernelLink!.Fd.Value, found.Fd);
        }
        TestNative.CallGetPpid(1);
        Assert.Equal(5UL, counter.Value);
    }

    [Fact]
    public void Tp_btf_program_loaded_with_its_attach_btf_id_counts_getppid_calls()
    {
        Kernel.Require();
        var vmlinux = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        var hook = vmlinux.FindByName("btf_trace_sys_enter", BtfKind.Typedef);
        Assert.False(hook.IsVoid);
        using var counter = new Counter();
        // tp_btf context: the tracepoint's arguments as u64s (struct pt_regs *regs, long id).
        string prelude = Counter.OnlyThisThread() + $"\nr1 = *(u64 *)(r6 + 8)\nif r1 != {TestNative.GetPpidNumber} goto out\n";
        using var program = counter.Load(ProgramType.Tracing, prelude, 0,
            new ProgramLoadOptions { Name = "tp_btf_count", ExpectedAttachType = AttachType.TraceRawTp, AttachBtfId = hook.Value });
        using (var link = Link.Tracing(program, AttachType.TraceRawTp))
        {
            TestNative.CallGetPpid(6);
            Assert.Equal(6UL, counter.Value);
            // A tp_btf link is a raw tracepoint link in the kernel (bpf_raw_tp_link_attach).
            var info = link.GetInfo();
            Assert.Equal(LinkType.RawTracepoint, info.Type);
            Assert.Equal("sys_enter", info.TracepointName);
        }
        TestNative.CallGetPpid(1);
        Assert.Equal(6UL, counter.Value);
    }

    [Fact]
    public void Kprobe_attaches_through_the_kprobe_pmu_or_says_the_kernel_has_none()
    {
        Kernel.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.Kprobe, Counter.OnlyThisThread());
        bool pmu = File.Exists("/sys/bus/event_source/devices/kprobe/type");
        bool tracefs = File.Exists("/sys/kernel/tracing/kprobe_events") || File.Exists("/sys/kernel/debug/tracing/kprobe_events");
        if (pmu || tracefs)
        {
            using var link = Link.Kprobe(program, "do_sys_openat2");
            TestNative.OpenDevNull(3);
            Assert.Equal(3UL, counter.Value);
            return;
        }
        foreach (var attach in new Func<Link>[] { () => Link.Kprobe(program, "do_unlinkat"), () => Link.Kretprobe(program, "do_unlinkat") })
        {
            var e = Assert.Throws<BpfNotSupportedException>(attach);
            Assert.Equal("kprobes", e.Feature);
            Assert.Null(e.MinimumKernel);
            Assert.EndsWith("kprobes is not supported: this kernel has no kprobe PMU (/sys/bus/event_source/devices/kprobe) and no kprobe_events in tracefs: it is built without CONFIG_KPROBE_EVENTS",
                e.Message, StringComparison.Ordinal);
            Assert.StartsWith("attach program 'attach_count' to k", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(AttachType.TraceFentry, "fentry")]
    [InlineData(AttachType.TraceFexit, "fexit")]
    public void Fentry_and_fexit_load_and_attach_or_say_the_kernel_refuses_trampolines(AttachType attachType, string name)
    {
        Kernel.Require();
        var vmlinux = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        var function = vmlinux.FindByName("do_sys_openat2", BtfKind.Func);
        Assert.False(function.IsVoid);
        using var counter = new Counter();
        var options = new ProgramLoadOptions { Name = name + "_count", ExpectedAttachType = attachType, AttachBtfId = function.Value };
        KernelProgram program;
        try
        {
            program = counter.Load(ProgramType.Tracing, Counter.OnlyThisThread(), 0, options);
        }
        catch (BpfNotSupportedException e)
        {
            // This kernel: BPF_PROG_LOAD fails with EPERM and says nothing in the verifier log.
            Assert.Equal("trace_" + name, e.Feature);
            Assert.Equal(Errno.EPERM, e.Errno);
            Assert.Equal(Native.BpfCommand.ProgLoad, e.Command);
            Assert.Equal($"load program '{name}_count': trace_{name} is not supported: the kernel refused the BPF trampoline program with EPERM and an empty verifier log",
                e.Message);
            return;
        }
        using (program)
        {
            using var link = Link.Tracing(program, attachType);
            TestNative.OpenDevNull(2);
            Assert.Equal(2UL, counter.Value);
        }
    }

    [Fact]
    public void Perf_event_sampling_on_every_cpu_runs_the_program_until_disposed()
    {
        Kernel.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.PerfEvent);
        var cpus = LinuxKernel.OnlineCpus();
        using (var link = Link.PerfEvent(program, new PerfEventOptions { SampleFrequency = 1000 }))
        {
            var members = link is LinkGroup group ? group.Links : [link];
            Assert.Equal(cpus.Count, members.Count);
            foreach (var member in members)
            {
                var info = member.GetInfo();
                Assert.Equal(LinkType.PerfEvent, info.Type);
                Assert.Equal(6u, info.Raw.PerfEventType); // BPF_PERF_EVENT_EVENT
                // The kernel reports the event's PMU: on 6.18 cpu-clock has a PMU of its own (type 6 here), not PERF_TYPE_SOFTWARE.
                Assert.Equal((ulong)PerfSoftwareEvent.CpuClock, info.Raw.PerfEventEventConfig);
            }
            Assert.Equal("perf event software:cpu-clock", link.Target.Split(" on ")[0]);
            var until = DateTime.UtcNow.AddMilliseconds(300);
            while (DateTime.UtcNow < until && counter.Value < 10)
                Thread.SpinWait(1000);
            Assert.True(counter.Value >= 10, $"only {counter.Value} samples in 300 ms at 1000 Hz");
        }
        ulong after = counter.Value;
        Thread.Sleep(50);
        Assert.Equal(after, counter.Value);
    }

    [Fact]
    public void Perf_event_with_both_frequency_and_period_is_a_usage_error()
    {
        Kernel.Require();
        using var counter = new Counter();
        using var program = counter.Load(ProgramType.PerfEvent);
        Assert.Throws<ArgumentException>(() => Link.PerfEvent(program, new PerfEventOptions { SampleFrequency = 10, SamplePeriod = 10 }));
    }
}
