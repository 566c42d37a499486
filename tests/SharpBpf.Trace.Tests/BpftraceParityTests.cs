using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// Small deterministic BEGIN scripts run by bpftrace 0.17 and by us in the same test: exit code, stdout
/// and stderr (errors, warnings) must be equal. Scripts whose signal() would be sent are only ones that
/// fail to compile: a signal from a live probe would hit whatever process triggered it.
/// </summary>
public sealed class BpftraceParityTests
{
    [Theory]
    // --unsafe: system() runs its command through /bin/sh, its output in order with printf's
    [InlineData(true, "BEGIN { system(\"echo hi %d; echo two\", 5); printf(\"after\\n\"); system(\"printf %s\", \"abc\"); printf(\"end\\n\"); exit(); }")]
    [InlineData(false, "BEGIN { system(\"echo hi %d\", 5); exit(); }")]
    [InlineData(false, "BEGIN { signal(9); system(\"x\"); exit(); }")]
    [InlineData(true, "BEGIN { signal(\"SIGKILL\"); exit(); }")]
    [InlineData(true, "END { signal(9); }")]
    [InlineData(true, "interval:s:1 { signal(9); exit(); }")]
    [InlineData(true, "software:cpu-clock:1000000 { signal(9); exit(); }")]
    [InlineData(true, "tracepoint:syscalls:sys_enter_openat { signal(\"FOO\"); }")]
    [InlineData(true, "tracepoint:syscalls:sys_enter_openat { signal(99); }")]
    [InlineData(true, "tracepoint:syscalls:sys_enter_openat { signal(); }")]
    [InlineData(true, "tracepoint:syscalls:sys_enter_openat { signal(1, 2); }")]
    [InlineData(true, "BEGIN { system(); exit(); }")]
    [InlineData(true, "BEGIN { system(1); exit(); }")]
    [InlineData(true, "BEGIN { $x = system(\"true\"); exit(); }")]
    // sizeof: struct and union sizes from kernel BTF, integer type names, expressions
    [InlineData(false, "BEGIN { printf(\"%d %d\\n\", sizeof(struct task_struct), sizeof(union bpf_attr)); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%d %d %d %d\\n\", sizeof(uint64), sizeof(int8), sizeof(1+2), sizeof(comm)); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%d %d %d\\n\", sizeof(curtask), sizeof(*curtask), sizeof(curtask->comm)); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%d\\n\", sizeof(struct task_struct *)); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%d\\n\", sizeof(struct nope)); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%d\\n\", sizeof(1, 2)); exit(); }")]
    // signs: warnings, and the types '!' and '-' give
    [InlineData(false, "BEGIN { printf(\"%d\\n\", 7 % 3 + !0 + ~0); exit(); }")]
    [InlineData(false, "BEGIN { $a = 1; $b = !$a; $c = $b - $a; printf(\"%d\\n\", $c); exit(); }")]
    [InlineData(false, "BEGIN { @z = 10 / -3; @w = -10 % 3; $p = (uint64)5; @e = -$p; @c = !0 - 2; exit(); }")]
    [InlineData(false, "BEGIN { if (pid > -1) { printf(\"yes\\n\"); } if (pid == 0) { } exit(); }")]
    [InlineData(false, "BEGIN { $x = -\"a\"; }")]
    [InlineData(false, "BEGIN { $x = ~\"a\"; }")]
    [InlineData(false, "BEGIN { @y = (int8)-1 >> 1; @z = -16 >> 2; exit(); }")]
    // messages
    [InlineData(false, "BEGIN { printf(\"%s\\n\", join(curtask->comm)); exit(); }")]
    [InlineData(false, "BEGIN { join(1, 2); exit(); }")]
    [InlineData(false, "BEGIN { if (strftime(\"%H\", nsecs) != \"\") { printf(\"x\\n\"); } exit(); }")]
    [InlineData(false, "BEGIN { @[1] = hist(100); @[2] = lhist(5, 0, 10, 1); exit(); }")]
    [InlineData(false, "BEGIN { @x = printf(\"a\"); }")]
    [InlineData(false, "BEGIN { $x = join(1); }")]
    [InlineData(false, "BEGIN { @x[join(1)] = 1; }")]
    [InlineData(false, "BEGIN { @x = exit(); }")]
    [InlineData(false, "BEGIN { printf(); }")]
    [InlineData(false, "BEGIN { printf(1); }")]
    [InlineData(false, "BEGIN { cat(); }")]
    [InlineData(false, "BEGIN { @x = hist(); }")]
    [InlineData(false, "BEGIN { @x = hist(1, 2); }")]
    [InlineData(false, "BEGIN { time(\"a\", \"b\"); }")]
    [InlineData(false, "BEGIN { @x = hist(\"a\"); }")]
    [InlineData(false, "BEGIN { printf(\"%d\\n\", count()); }")]
    [InlineData(false, "BEGIN { @x[count()] = 1; }")]
    [InlineData(false, "BEGIN { $x = count(); }")]
    [InlineData(false, "BEGIN { @x = count(); if (@x > 0) { printf(\"%d\\n\", @x); } }")]
    [InlineData(false, "BEGIN { @x = sum(2); $y = @x * 2; }")]
    [InlineData(false, "BEGIN { @v[1] = count(); @h = hist(@v[1]); }")]
    [InlineData(false, "BEGIN { $x = 5; $x /= 7; $x %= 5; printf(\"%d\\n\", $x); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%s\\n\", str(comm)); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%s\\n\", str(\"hello\", 3)); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%+d|%#x|%.3s|%5.2d|%hhu|%zu|%jd|%lx\\n\", 1, 2, \"abcdef\", 3, 4, 5, 6, 7); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%s\\n\", ksym(\"a\")); }")]
    [InlineData(false, "BEGIN { @x = strncmp(1, \"b\", 1); }")]
    [InlineData(false, "BEGIN { @x = strncmp(\"a\", \"b\", -1); }")]
    [InlineData(false, "BEGIN { @x = buf(1); }")]
    [InlineData(false, "BEGIN { @x = buf(\"abc\", -1); }")]
    [InlineData(false, "BEGIN { time(1); }")]
    [InlineData(false, "BEGIN { @x = lhist(1, 10, 0, 1); }")]
    [InlineData(false, "BEGIN { @x = lhist(1, 0, 5, 10); }")]
    [InlineData(false, "BEGIN { @x = 1; print(@x, \"a\"); }")]
    [InlineData(false, "BEGIN { print(comm, 1); }")]
    [InlineData(false, "BEGIN { @x[1] = 1; clear(@x[1]); }")]
    [InlineData(false, "BEGIN { delete(1); }")]
    [InlineData(false, "BEGIN { zero(1); }")]
    [InlineData(false, "BEGIN { unroll(0) { } }")]
    [InlineData(false, "BEGIN { unroll(101) { } }")]
    [InlineData(false, "BEGIN { @x = (1, 2); @x = (1, 2, 3); }")]
    [InlineData(false, "BEGIN { @x[(1, 2)] = 1; }")]
    [InlineData(false, "BEGIN { $t = (1, 2); printf(\"%d\\n\", $t.5); }")]
    [InlineData(false, "BEGIN { $s = \"abc\"; printf(\"%d\\n\", $s[0]); }")]
    [InlineData(false, "BEGIN { @a[1] = 1; printf(\"%d\\n\", @a[1][2]); }")]
    [InlineData(false, "BEGIN { if (comm) { } }")]
    [InlineData(false, "BEGIN { $x = comm ? 1 : 2; }")]
    [InlineData(false, "BEGIN { printf(\"%d\\n\", 1 ? 2 : \"a\"); }")]
    public void Matches_bpftrace(bool allowUnsafe, string script)
    {
        Bpftrace.Require();
        var theirs = allowUnsafe ? Bpftrace.Run("--unsafe", "-e", script) : Bpftrace.Run("-e", script);
        var ours = TraceTestKit.RunLikeCli(script, allowUnsafe: allowUnsafe);
        Assert.Equal(theirs.Err, ours.Err);
        Assert.Equal(theirs.Out, ours.Out);
        Assert.Equal(theirs.Exit, ours.Exit);
    }
}
