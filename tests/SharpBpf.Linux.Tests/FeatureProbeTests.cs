using System.Diagnostics;
using SharpBpf.Core;
using SharpBpf.Linux.Features;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>
/// Feature probes against the running kernel. The features this kernel must have come from the
/// requirement table (release and options), never from a list made for this machine: every one of
/// them must probe as supported (or, with the kernel's proof that it has it, as refused by a
/// policy). A "not supported" there is a probe bug and fails the test.
/// </summary>
public sealed class FeatureProbeTests
{
    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private static void AssertNoProbeFailures(IEnumerable<FeatureProbeResult> results, int minimumExpected)
    {
        var all = results.ToArray();
        var expected = all.Where(r => r.IsExpected).ToArray();
        foreach (var r in all.Where(r => !r.IsSupported))
            Log($"{r}{(r.IsExpected ? " [expected]" : "")}: {r.Method}");
        var failures = expected.Where(r => r.IsProbeFailure).Select(r => $"{r} via {r.Method}").ToArray();
        Assert.True(failures.Length == 0, "probes say 'not supported' for features this kernel must have:\n" + string.Join("\n", failures));
        // A refusal must carry the kernel's EPERM: anything else would be a probe guessing.
        foreach (var r in expected.Where(r => r.Status == FeatureStatus.Denied))
            Assert.Equal(Errno.EPERM, r.Errno);
        Assert.True(expected.Length >= minimumExpected,
            $"only {expected.Length} features are expected of Linux {LinuxKernel.Version} (config {KernelConfig.Current?.Source ?? "unreadable"}): the requirement table or the config reader is wrong");
    }

    // The lowest count the requirement table can yield on a kernel this test suite supports
    // (5.15 with a usual config): catches a table or config reader that expects nothing.
    private static int AtLeast(int count) => LinuxKernel.Version >= new Version(5, 15) ? count : 1;

    [Fact]
    public void Every_program_type_this_kernel_must_have_probes_as_present()
    {
        Kernel.Require();
        AssertNoProbeFailures(FeatureCatalog.ProgramTypes.Select(KernelFeatures.ProbeProgramType), AtLeast(20));
        // The plain ones load for real on every kernel with bpf(2) and networking.
        Assert.Equal(FeatureStatus.Supported, KernelFeatures.ProbeProgramType(ProgramType.SocketFilter).Status);
        Assert.Equal(FeatureStatus.Supported, KernelFeatures.ProbeProgramType(ProgramType.Xdp).Status);
    }

    [Fact]
    public void Every_map_type_this_kernel_must_have_probes_as_present()
    {
        Kernel.Require();
        AssertNoProbeFailures(FeatureCatalog.MapTypes.Select(KernelFeatures.ProbeMapType), AtLeast(25));
        Assert.Equal(FeatureStatus.Supported, KernelFeatures.ProbeMapType(MapType.Hash).Status);
    }

    [Fact]
    public void Every_attach_type_this_kernel_must_have_probes_as_present()
    {
        Kernel.Require();
        AssertNoProbeFailures(FeatureCatalog.AttachTypes.Select(KernelFeatures.ProbeAttachType), AtLeast(30));
    }

    [Fact]
    public void Every_misc_feature_this_kernel_must_have_probes_as_present()
    {
        Kernel.Require();
        AssertNoProbeFailures(FeatureCatalog.MiscFeatures.Select(KernelFeatures.ProbeMisc), AtLeast(15));
        // Programs of more than 4096 instructions load, and the verifier reports its 1M-instruction budget.
        var large = KernelFeatures.ProbeMisc(MiscFeature.LargeInsnLimit);
        if (large.IsSupported)
            Assert.Equal("the verifier's complexity limit is 1000000 instructions", large.Detail);
    }

    [Fact]
    public void An_unknown_type_probes_as_not_supported()
    {
        Kernel.Require();
        // One past the last type the uapi enums know: no kernel this suite runs on has it.
        var program = KernelFeatures.ProbeProgramType((ProgramType)(FeatureCatalog.ProgramTypes.Max() + 64));
        Assert.Equal(FeatureStatus.NotSupported, program.Status);
        Assert.Equal(Errno.EINVAL, program.Errno);
        var map = KernelFeatures.ProbeMapType((MapType)(FeatureCatalog.MapTypes.Max() + 64));
        Assert.Equal(FeatureStatus.NotSupported, map.Status);
        var attach = KernelFeatures.ProbeAttachType((AttachType)(FeatureCatalog.AttachTypes.Max() + 64));
        Assert.Equal(FeatureStatus.NotSupported, attach.Status);
        var e = Assert.Throws<BpfNotSupportedException>(program.ThrowIfNotSupported);
        Assert.Contains("program type", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Helper_probes_agree_with_well_known_facts()
    {
        Kernel.Require();
        int adjustHead = HelperIds.IdOf("bpf_xdp_adjust_head");
        int pidTgid = HelperIds.IdOf("bpf_get_current_pid_tgid");
        var xdp = KernelFeatures.ProbeHelper(ProgramType.Xdp, adjustHead);
        Assert.True(xdp.IsSupported, xdp.ToString());
        var socket = KernelFeatures.ProbeHelper(ProgramType.SocketFilter, adjustHead);
        Assert.Equal(FeatureStatus.NotSupported, socket.Status);
        Assert.Contains("may not call it", socket.Detail, StringComparison.Ordinal);
        Assert.False(socket.IsProbeFailure);
        Assert.True(KernelFeatures.ProbeHelper(ProgramType.Tracepoint, pidTgid).IsSupported);
        // kprobe programs load (CONFIG_KPROBES may still be off: attaching is another matter).
        if (KernelFeatures.ProbeProgramType(ProgramType.Kprobe).IsExpected)
            Assert.True(KernelFeatures.ProbeProgramType(ProgramType.Kprobe).IsSupported);

        var xdpHelpers = KernelFeatures.ProbeHelpers(ProgramType.Xdp);
        Assert.Equal(FeatureStatus.Supported, xdpHelpers.Status);
        Assert.True(xdpHelpers.Includes(adjustHead));
        Assert.True(xdpHelpers.Includes(HelperIds.IdOf("bpf_redirect_map")));
        Assert.False(xdpHelpers.Includes(HelperIds.IdOf("bpf_skb_store_bytes")));
        // The probes that write to the kernel log are left out unless asked for.
        Assert.False(xdpHelpers.Includes(HelperIds.IdOf("bpf_trace_printk")));
        var socketHelpers = KernelFeatures.ProbeHelpers(ProgramType.SocketFilter);
        Assert.True(socketHelpers.Includes(HelperIds.IdOf("bpf_skb_load_bytes")));
        Assert.False(socketHelpers.Includes(adjustHead));
    }

    [Fact]
    public void The_kernel_knows_every_helper_of_its_release()
    {
        Kernel.Require();
        var helpers = KernelFeatures.ProbeHelpers(ProgramType.SocketFilter);
        var missing = helpers.UnknownToKernel
            .Where(id => FeatureRequirements.HelperMinimumKernel(id) is { } v && LinuxKernel.Version >= v)
            .Select(FeatureCatalog.HelperName).ToArray();
        Assert.True(missing.Length == 0, "the verifier claims not to know: " + string.Join(", ", missing));
        foreach (int id in helpers.UnknownToKernel)
            Assert.False(KernelFeatures.ProbeHelper(ProgramType.SocketFilter, id).IsSupported);
    }

    [Fact]
    public void Helpers_of_types_that_need_a_target_are_probed_with_one()
    {
        Kernel.Require();
        foreach (var type in new[] { ProgramType.Tracing, ProgramType.StructOps })
        {
            var program = KernelFeatures.ProbeProgramType(type);
            if (!program.IsSupported)
                continue;
            var helpers = KernelFeatures.ProbeHelpers(type);
            Log($"{type}: {helpers.Status} {helpers.Helpers.Count} helpers {helpers.Detail}");
            if (File.Exists("/sys/kernel/btf/vmlinux"))
            {
                Assert.Equal(FeatureStatus.Supported, helpers.Status);
                Assert.True(helpers.Includes(HelperIds.IdOf("bpf_get_current_pid_tgid")) || type == ProgramType.StructOps);
                Assert.True(helpers.Helpers.Count > 10);
            }
        }
    }

    [Fact]
    public void Answers_are_cached()
    {
        Kernel.Require();
        var first = KernelFeatures.ProbeProgramType(ProgramType.Xdp);
        var map = KernelFeatures.ProbeMapType(MapType.Ringbuf);
        var helpers = KernelFeatures.ProbeHelpers(ProgramType.SchedCls);
        var misc = KernelFeatures.ProbeMisc(MiscFeature.BoundedLoops);
        long calls = KernelFeatures.ProbeCallCount;
        Assert.Same(first, KernelFeatures.ProbeProgramType(ProgramType.Xdp));
        Assert.Same(map, KernelFeatures.ProbeMapType(MapType.Ringbuf));
        Assert.Same(misc, KernelFeatures.ProbeMisc(MiscFeature.BoundedLoops));
        var again = KernelFeatures.ProbeHelpers(ProgramType.SchedCls);
        Assert.Equal(helpers.Helpers, again.Helpers);
        _ = KernelFeatures.ProbeHelper(ProgramType.SchedCls, HelperIds.IdOf("bpf_skb_store_bytes"));
        Assert.Equal(calls, KernelFeatures.ProbeCallCount);
    }

    [Fact]
    public void Probing_everything_is_fast_and_consistent()
    {
        Kernel.Require();
        var clock = Stopwatch.StartNew();
        var report = KernelFeatures.ProbeAll();
        clock.Stop();
        Log($"ProbeAll: {clock.ElapsedMilliseconds} ms, {KernelFeatures.ProbeCallCount} bpf(2) calls so far");
        // bpftool 7.1 takes about 0.2 s here; a loaded CI machine gets ten times the room.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"ProbeAll took {clock.Elapsed}");
        Assert.True(report.HaveBpfSyscall);
        Assert.Equal(FeatureCatalog.ProgramTypes.Count, report.ProgramTypes.Count);
        Assert.Equal(FeatureCatalog.ProgramTypes.Count, report.Helpers.Count);
        Assert.Empty(report.ProbeFailures);
        foreach (var h in report.Helpers)
        {
            var type = KernelFeatures.ProbeProgramType(h.ProgramType);
            if (!type.IsSupported)
                Assert.Empty(h.Helpers);
            // The bulk answers are the single answers.
            foreach (int id in h.Helpers.Take(3))
                Assert.True(KernelFeatures.ProbeHelper(h.ProgramType, id).IsSupported);
        }
    }
}
