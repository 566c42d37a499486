using SharpBpf.Trace.Probes;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// Wildcards in a uprobe's binary (bpftrace 0.17 globs the path, keeps ELF executables and shared
/// objects, then matches <c>PATH:FUNCTION</c>, debug files' symbols included) and the wildcards 0.17 refuses, each compared with the
/// real bpftrace run now on the same pattern: <c>-l</c> listings, scripts run with <c>-c</c>, and
/// errors. <c>{d}</c> stands for the folder of clang-built targets (<see cref="UprobeTargetsFixture"/>).
/// </summary>
[Collection("kernel")]
public sealed class UprobeWildcardTests(UprobeTargetsFixture targets) : IClassFixture<UprobeTargetsFixture>
{
    private string Expand(string text) => text.Replace("{d}", targets.Dir, StringComparison.Ordinal);

    [Theory]
    [InlineData("uprobe:{d}/a*:foo")]
    [InlineData("uprobe:{d}/*:foo")]
    [InlineData("uprobe:{d}/a*:*")]
    [InlineData("uretprobe:{d}/a*:fo*")]
    [InlineData("u*:{d}/a*:bar")]
    [InlineData("uprobe:{d}/a[1]*:foo")] // one match: the binary becomes that file
    [InlineData("uprobe:{d}/a[12]*:foo")] // two: the pattern stays, and bpftrace's matcher takes '[' literally
    [InlineData("uprobe:{d}/*.o:foo")]
    [InlineData("uprobe:{d}/a3.o:foo")]
    [InlineData("uprobe:{d}/nosuch*:foo")]
    [InlineData("uprobe:{d}/a*:0x1000")]
    [InlineData("uprobe:{d}/a1:*s")] // bpftrace's matcher: "*s" ends at the first 's' after the start
    [InlineData("uprobe:{d}/b1:foo,uprobe:{d}/a*:bar")]
    [InlineData("uprobe:/usr/lib/x86_64-linux-gnu/libc.so.*:getpid")]
    [InlineData("uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:__libc_start_*")] // local functions: in libc6-dbg's debug file
    [InlineData("uprobe:/usr/lib/x86_64-linux-gnu/libm.so.6:*")] // and ".part.N" clones left out
    [InlineData("uprobe:bash:readline")] // PATH has /usr/bin and /bin: a warning, the first one
    [InlineData("rawtracepoint:sched_*")] // 0.17 has no rawtracepoint probes: it aborts
    public void Listing_matches_bpftrace(string pattern)
    {
        targets.Require();
        string p = Expand(pattern);
        var theirs = Bpftrace.Run("-l", p);
        var ours = new ProbeLister().List(p);
        Assert.Equal(theirs.Out, string.Concat(ours.Lines.Select(l => l + "\n")));
        Assert.Equal(theirs.Err, string.Concat(ours.Warnings) + ours.ErrorText);
        Assert.Equal(theirs.Exit != 0, ours.Error is not null);
    }

    [Theory]
    [InlineData("uprobe:{d}/a*:foo { @[probe] = count(); }", "{d}/a2 3")]
    [InlineData("uretprobe:{d}/*1:foo { @[probe] = count(); @s = sum(retval); }", "{d}/b1 2")] // (equal counts print in hash order)
    [InlineData("uprobe:{d}/a[1]*:foo { printf(\"%s %d\\n\", probe, arg0); }", "{d}/a1 2")]
    [InlineData("uprobe:{d}/a*:fo*, uprobe:{d}/b1:bar { @[probe] = count(); }", "{d}/b1 1")]
    [InlineData("uprobe:{d}/a*:nosuch { @ = count(); }", "{d}/a1")] // "No probes to attach"
    [InlineData("uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:__libc_start_call_m* /comm == \"a1\"/ { printf(\"%s\\n\", probe); }", "{d}/a1")]
    public void Script_matches_bpftrace(string source, string command)
    {
        targets.Require();
        var theirs = Bpftrace.Run("-e", Expand(source), "-c", Expand(command));
        var ours = TraceTestKit.RunLikeCli(Expand(source), Expand(command));
        Assert.Equal((theirs.Exit, theirs.Out, theirs.Err), ours);
    }

    [Theory]
    [InlineData("uprobe:{d}/nosuch*:foo { }")]
    [InlineData("uprobe:{d}/a*:0x1000 { }")]
    [InlineData("uprobe:{d}/a5:foo { }")]
    [InlineData("software:page-fault*:1 { }")]
    [InlineData("tracepoint:sched:nosuch* { }")]
    public void Errors_match_bpftrace(string source)
    {
        targets.Require();
        var theirs = Bpftrace.Run("-e", Expand(source));
        var ours = TraceTestKit.RunLikeCli(Expand(source));
        Assert.Equal(1, theirs.Exit);
        Assert.Equal((theirs.Exit, theirs.Out, theirs.Err), ours);
    }

    // bpftrace 0.17 has no rawtracepoint type: it aborts on any, so it expands none. SharpBpf
    // attaches a named one (its addition) and refuses a pattern.
    [Fact]
    public void Rawtracepoint_wildcards_are_refused_as_bpftrace_refuses_them()
    {
        var theirs = Bpftrace.Run("-e", "rawtracepoint:sched_* { }");
        Assert.NotEqual(0, theirs.Exit);
        Assert.Contains("Invalid probe type made it to attachpoint parser", theirs.Err, StringComparison.Ordinal);
        var ours = TraceTestKit.RunLikeCli("rawtracepoint:sched_* { }");
        Assert.Equal(1, ours.Exit);
        Assert.StartsWith("stdin:1:1-22: ERROR: wildcards are not allowed for rawtracepoint probe type", ours.Err, StringComparison.Ordinal);
    }
}
