using System.Text.RegularExpressions;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// func and usym() in uprobes with neither -c nor -p, against the real bpftrace run now: a value keeps
/// the pid of the process it came from, and printing reads that process's mappings (bpftrace's
/// resolve_usym), so a symbol resolves while the process lives and prints as an address once it
/// has exited. The targets (<see cref="UprobeTargetsFixture"/>) wait on stdin, started once the
/// tracer's BEGIN has printed "ready" (it runs once every probe is attached) and kept alive until it ends.
/// </summary>
[Collection("kernel")]
public sealed partial class UserSymbolTests(UprobeTargetsFixture targets) : IClassFixture<UprobeTargetsFixture>
{
    [Theory]
    // foo(i, bar): the uprobe's func is foo, arg1 points to bar; the uretprobe's func is where foo returns to
    [InlineData("BEGIN { printf(\"ready\\n\"); } uprobe:{d}/a1:foo { printf(\"%s %s\\n\", func, usym(arg1)); @[func, usym(arg1)] = count(); } " +
        "uretprobe:{d}/a1:foo { printf(\"ret %s\\n\", func); @r[func] = count(); $f = func; @v = $f; @n++; if (@n == 2) { exit(); } }", "a1 2")]
    // two binaries matched by one wildcard, two processes: each value resolves in its own (the
    // counts differ: equal ones print in hash order)
    [InlineData("BEGIN { printf(\"ready\\n\"); } uprobe:{d}/a*:foo { @[func, probe] = count(); @n++; if (@n == 3) { exit(); } }", "a1 1", "a2 2")]
    public void Func_and_usym_resolve_in_the_traced_process(string script, params string[] programs)
    {
        targets.Require();
        string source = script.Replace("{d}", targets.Dir, StringComparison.Ordinal);
        string theirs;
        (int, string, string) ours;
        try
        {
            theirs = Bpftrace.RunTriggered(source, "ready", () => Trigger(programs));
            ours = TraceTestKit.RunLikeCli(source, ready: "ready", trigger: () => Trigger(programs));
        }
        finally
        {
            foreach (var t in _started)
                t.Dispose();
        }
        Assert.Equal("", ours.Item3);
        Assert.Equal(0, ours.Item1);
        Assert.Equal(theirs, ours.Item2);
        Assert.Contains("foo", theirs, StringComparison.Ordinal); // resolved, not an address
    }

    // With -c the command has exited when the maps print: addresses, in both (their values move with ASLR).
    [Fact]
    public void Symbols_of_an_exited_process_print_as_addresses()
    {
        targets.Require();
        const string script = "uprobe:{d}/a1:foo { @[func] = count(); @u[usym(arg1)] = count(); }";
        string source = script.Replace("{d}", targets.Dir, StringComparison.Ordinal);
        var theirs = Bpftrace.Run("-e", source, "-c", targets.A1 + " 2");
        var ours = TraceTestKit.RunLikeCli(source, targets.A1 + " 2");
        Assert.Equal(Addresses().Replace(theirs.Out, "0xADDRESS"), Addresses().Replace(ours.Out, "0xADDRESS"));
        Assert.Contains("@[0xADDRESS]: 2\n", Addresses().Replace(ours.Out, "0xADDRESS"), StringComparison.Ordinal);
    }

    private readonly List<UprobeTargetsFixture.Target> _started = [];

    // Starts each "PROGRAM CALLS" and lets it call foo CALLS times.
    private void Trigger(string[] programs)
    {
        foreach (var p in programs)
        {
            var (name, calls) = (p.Split(' ')[0], int.Parse(p.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
            var target = UprobeTargetsFixture.Start(Path.Combine(targets.Dir, name), calls);
            _started.Add(target);
            target.Go();
        }
    }

    [GeneratedRegex("0x[0-9a-f]+")]
    private static partial Regex Addresses();
}
