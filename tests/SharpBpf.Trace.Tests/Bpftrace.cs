using System.Diagnostics;
using System.Text;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// The real bpftrace (0.17, Debian's), run beside ours so a test compares with what it prints now
/// rather than with a capture. Its stderr loses the RLIMIT_MEMLOCK complaint 0.17 prints on kernels
/// that account BPF memory to cgroups (it says nothing about the script).
/// </summary>
internal static class Bpftrace
{
    public const string Path = "/usr/bin/bpftrace";

    /// <summary>Skips unless bpftrace is installed and this process is root.</summary>
    public static void Require()
    {
        if (!File.Exists(Path))
            Assert.Skip("bpftrace is not installed (apt-get install bpftrace)");
        if (!Environment.IsPrivilegedProcess)
            Assert.Skip("bpftrace needs root");
    }

    /// <summary>Runs bpftrace to its end; returns its exit code, stdout and stderr.</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args) => RunWith(null, args);

    /// <summary><see cref="Run"/> with BPFTRACE_MAX_PROBES set to <paramref name="maxProbes"/> (unset when null).</summary>
    public static (int Exit, string Out, string Err) RunWith(string? maxProbes, params string[] args)
    {
        Require();
        using var p = StartWith(maxProbes, args);
        using var deadline = new Deadline(p, TimeSpan.FromSeconds(120));
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        deadline.ThrowIfPassed("bpftrace " + string.Join(' ', args), stdout);
        return (p.ExitCode, stdout, WithoutMemlockComplaint(stderr.Result));
    }

    /// <summary>
    /// Runs a script that waits for something to trace: <paramref name="trigger"/> runs once bpftrace has
    /// printed the line <paramref name="ready"/> (print it from BEGIN, which runs once every probe is
    /// attached; "Attaching N probes..." comes before), and the script must end by itself (exit()).
    /// </summary>
    public static string RunTriggered(string script, string ready, Action trigger)
    {
        Require();
        using var p = Start("-e", script);
        using var deadline = new Deadline(p, TimeSpan.FromSeconds(60));
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = new StringBuilder();
        while (p.StandardOutput.ReadLine() is { } line)
        {
            stdout.Append(line).Append('\n');
            if (line == ready)
            {
                trigger();
                break;
            }
        }
        stdout.Append(p.StandardOutput.ReadToEnd());
        p.WaitForExit();
        deadline.ThrowIfPassed("bpftrace -e '" + script + "'", stdout.ToString());
        Assert.True(p.ExitCode == 0, WithoutMemlockComplaint(stderr.Result));
        return stdout.ToString();
    }

    /// <summary>
    /// Kills the process (the one this test started) when it has not ended in time, which ends the reads of its
    /// output that wait for it: a bpftrace that never ends fails its test, where the reads used to wait forever
    /// before a time limit was ever checked.
    /// </summary>
    private sealed class Deadline : IDisposable
    {
        private readonly Process _process;
        private readonly TimeSpan _limit;
        private readonly Timer _timer;
        private volatile bool _passed;

        public Deadline(Process process, TimeSpan limit)
        {
            _process = process;
            _limit = limit;
            _timer = new Timer(_ => Expire(), null, limit, Timeout.InfiniteTimeSpan);
        }

        private void Expire()
        {
            _passed = true;
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it ended meanwhile
            }
        }

        public void ThrowIfPassed(string what, string stdout)
        {
            if (_passed)
                throw new TimeoutException($"{what} did not end in {_limit.TotalSeconds:0} s; its output so far:\n{stdout}");
        }

        public void Dispose() => _timer.Dispose();
    }

    private static Process Start(params string[] args) => StartWith(null, args);

    private static Process StartWith(string? maxProbes, string[] args)
    {
        var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment.Remove("BPFTRACE_MAX_PROBES");
        if (maxProbes is not null)
            psi.Environment["BPFTRACE_MAX_PROBES"] = maxProbes;
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    private static string WithoutMemlockComplaint(string stderr) =>
        string.Concat(stderr.Split('\n').Where(l => !l.Contains("RLIMIT_MEMLOCK", StringComparison.Ordinal)).Select(l => l + "\n"))[..^1];
}
