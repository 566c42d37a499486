using System.Diagnostics;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// Reruns the real bpftrace on the deterministic scripts in tests/data/trace/output and checks the stored
/// captures are still what it prints, so the goldens the other tests use cannot drift from bpftrace.
/// </summary>
public sealed class OutputCaptureTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(TestPaths.Data, "trace", "output"), "*.bt").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Stored_capture_is_what_bpftrace_prints(string name)
    {
        const string bpftrace = "/usr/bin/bpftrace";
        if (!File.Exists(bpftrace))
            Assert.Skip("bpftrace is not installed (apt-get install bpftrace)");
        if (Environment.UserName != "root")
            Assert.Skip("bpftrace needs root");
        var dir = Path.Combine(TestPaths.Data, "trace", "output");
        var psi = new ProcessStartInfo(bpftrace, [name + ".bt"])
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var ct = TestContext.Current.CancellationToken;
        var stderr = p.StandardError.ReadToEndAsync(ct);
        var stdout = await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        await stderr;
        Assert.Equal(File.ReadAllText(Path.Combine(dir, name + ".txt")), stdout);
    }
}
