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
    // strings in tuples: variables, map values and keys, printed and read by index
    [InlineData(false, "BEGIN { $t = (1, \"a\", 2); printf(\"%d %s %d\\n\", $t.0, $t.1, $t.2); print($t); exit(); }")]
    [InlineData(false, "BEGIN { @t = (1, \"abc\"); exit(); }")]
    [InlineData(false, "BEGIN { $t = (1, \"xyz\", (2, \"in\")); print($t); printf(\"%s %s\\n\", $t.1, $t.2.1); @m[$t.1] = $t; exit(); }")]
    [InlineData(false, "BEGIN { @u[1] = (\"x\", 2, \"yy\"); $v = @u[1]; printf(\"%s %d %s\\n\", $v.0, $v.1, @u[1].2); exit(); }")]
    [InlineData(false, "BEGIN { @x[1, \"a\"] = (2, \"b\"); exit(); }")]
    [InlineData(false, "BEGIN { @[(1, \"a\")] = 1; }")]
    // stack modes and limits: bpftrace 0.17's check_stack_call, and its stack map creation failures
    [InlineData(false, "BEGIN { @ = ustack(1, 2); }")]
    [InlineData(false, "BEGIN { @ = kstack(perf, bpftrace); }")]
    [InlineData(false, "BEGIN { @ = kstack(\"perf\"); }")]
    [InlineData(false, "BEGIN { @ = ustack(perf, \"a\"); }")]
    [InlineData(false, "BEGIN { $n = 3; @ = ustack($n); }")]
    [InlineData(false, "BEGIN { @ = kstack(perf, 1, 2); }")]
    [InlineData(false, "BEGIN { @ = kstack(-1); }")]
    [InlineData(false, "BEGIN { @ = kstack(1025); }")]
    [InlineData(false, "BEGIN { @ = kstack(foo); }")]
    [InlineData(false, "BEGIN { @ = kstack(0); }")]
    [InlineData(false, "BEGIN { @ = ustack(perf, 1024); }")]
    // a count() map without keys holding nothing prints as 0 (cleared, deleted, printed); keyed ones print nothing
    [InlineData(false, "BEGIN { @x = count(); clear(@x); exit(); }")]
    [InlineData(false, "BEGIN { @x = count(); delete(@x); print(@x); @y[1] = count(); delete(@y[1]); @z = sum(1); clear(@z); exit(); }")]
    // a uprobe on a function the binary does not have adds no probe, silently
    [InlineData(false, "uprobe:/bin/bash:sharpbpf_no_such_function { printf(\"x\\n\"); }")]
    [InlineData(false, "uprobe:/bin/bash:sharpbpf_no_such_function { @x = count(); } END { printf(\"end\\n\"); } BEGIN { exit(); }")]
    // (with `probe` in the action bpftrace 0.17 then fails: "Code not generated for probe", a bug not copied)
    [InlineData(false, "uretprobe:/bin/bash:sharpbpf_no_such_function, BEGIN { printf(\"hi\\n\"); exit(); }")]
    // a tuple variable or map value assigned tuples whose strings differ in size keeps each string whole
    [InlineData(false, "BEGIN { $t = (1, \"a\"); $t = (2, \"bbb\"); print($t); exit(); }")]
    [InlineData(false, "BEGIN { $t = (1, \"aaaa\"); $t = (2, \"b\"); print($t); exit(); }")]
    [InlineData(false, "BEGIN { $t = (\"a\", 1); $t = (\"bbbbbbbbbbbb\", 2); print($t); $u = $t; print($u); exit(); }")]
    [InlineData(false, "BEGIN { @t = (\"a\", 1); @t = (\"bbbbbbbbbbbbbbbbbb\", 2); exit(); }")]
    [InlineData(false, "BEGIN { $t = ((1, \"a\"), \"x\"); $t = ((2, \"bbbbbbbbbbbb\"), \"yyyyyyyyyyyy\"); print($t); exit(); }")]
    [InlineData(false, "BEGIN { $t = (1, \"a\"); $t = (\"b\", 2); exit(); }")]
    [InlineData(false, "BEGIN { $t = (1, \"a\"); $t = (1, \"a\", 3); exit(); }")]
    // interval and profile rates read as bpftrace 0.17's int_parser reads them, and its unit and rate errors
    [InlineData(false, "interval:x:abc { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "profile:s:abc { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "interval:s:1x { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "profile:ns:5 { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "interval:s:99999999999999999999 { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "profile:ms:1e { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "interval:ms:1e20 { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "profile:ms:1e2x { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "interval:ms:1.5 { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "profile:ms:08 { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "interval:ms:1e19 { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "profile:ms:0x { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "interval:ms:1e-1 { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "profile:ms:_ { exit(); } BEGIN { exit(); }")]
    [InlineData(false, "profile:s:-1 { exit(); }")]
    [InlineData(false, "profile:hz:0 { exit(); }")]
    [InlineData(false, "interval:ms:1e+2 { printf(\"%s\\n\", probe); exit(); }")]
    [InlineData(false, "interval:ms:1_0 { printf(\"%s\\n\", probe); exit(); }")]
    [InlineData(false, "interval:us:0X10 { exit(); } END { printf(\"end\\n\"); }")]
    // an interval of 0 compiles, says "Attaching" and fails to attach (exit code 255), END not run
    [InlineData(false, "interval:s:0 { exit(); } END { printf(\"end\\n\"); }")]
    [InlineData(false, "BEGIN { printf(\"b\\n\"); } i:ms:0x0 { exit(); }")]
    [InlineData(false, "interval:s:1 { exit(); } interval:hz:0 { exit(); }")]
    // cpid needs -c
    [InlineData(false, "BEGIN { printf(\"%d\\n\", cpid); exit(); }")]
    // printf's conversions and their argument types (what prints as text is a string, a pointer an integer)
    [InlineData(false, "BEGIN { printf(\"%s\\n\", 5); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%s %s\\n\", comm, nsecs); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%r\\n\", \"abc\"); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%s|%r\\n\", buf(\"abc\", 2), buf(\"abc\", 2)); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%d\\n\", ksym(0)); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%s\\n\", (1, 2)); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%s\\n\", (uint8 *)0); exit(); }")]
    [InlineData(false, "BEGIN { @c = count(); printf(\"%s\\n\", @c); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%s %s %s %s\\n\", ntop(1), strftime(\"%Y\", 0), probe, ksym(0)); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%s\\n\", *curtask); exit(); }")]
    // numaid: the CPU's NUMA node
    [InlineData(false, "BEGIN { printf(\"%d\\n\", numaid); exit(); }")]
    // pton() and ntop() of 4 or 16 bytes
    [InlineData(false, "BEGIN { printf(\"%s|%s|%s\\n\", ntop(pton(\"1.2.3.4\")), ntop(2, pton(\"10.0.0.1\")), ntop(pton(\"fe80::1\"))); exit(); }")]
    [InlineData(false, "BEGIN { @a = pton(\"1.2.3.4\"); @b = pton(\"fe80::1\"); $p = pton(\"9.8.7.6\"); printf(\"%d %d\\n\", $p[1], pton(\"9.8.7.6\")[2]); exit(); }")]
    [InlineData(false, "BEGIN { printf(\"%s\\n\", ntop(10, pton(\"1.2.3.4\"))); exit(); }")]
    [InlineData(false, "BEGIN { @ = pton(\"1.2.3\"); exit(); }")]
    [InlineData(false, "BEGIN { @ = pton(\"01.2.3.4\"); exit(); }")]
    [InlineData(false, "BEGIN { @ = pton(); }")]
    [InlineData(false, "BEGIN { @ = ntop(\"x\"); }")]
    [InlineData(false, "BEGIN { @ = ntop(1, \"x\"); }")]
    [InlineData(false, "BEGIN { @ = ntop(\"x\", 1); }")]
    // reg(): a register of the probe's pt_regs, by name
    [InlineData(false, "interval:ms:10 { printf(\"%d %d\\n\", reg(\"ip\") != 0, reg(\"sp\") > 0); exit(); }")]
    [InlineData(false, "software:cpu-clock:100000 { printf(\"%d\\n\", reg(\"flags\") > 0); exit(); }")]
    [InlineData(false, "BEGIN { @ = reg(\"ip\"); exit(); }")]
    [InlineData(false, "tracepoint:syscalls:sys_enter_openat { @ = reg(\"ip\"); }")]
    [InlineData(false, "interval:ms:10 { @ = reg(\"xx\"); exit(); }")]
    [InlineData(false, "interval:ms:10 { $r = \"ip\"; @ = reg($r); exit(); }")]
    [InlineData(false, "interval:ms:10 { @ = reg(\"ip\", 1); exit(); }")]
    [InlineData(false, "interval:ms:10 { @ = reg(1); exit(); }")]
    [InlineData(false, "END { @ = reg(); }")]
    [InlineData(false, "interval:ms:10 { @ = uaddr(); exit(); }")]
    [InlineData(false, "interval:ms:10 { @ = uaddr(1); exit(); }")]
    [InlineData(false, "interval:ms:10 { @ = uaddr(\"main\"); exit(); }")]
    [InlineData(false, "BEGIN { @ = uaddr(\"main\"); exit(); }")]
    public void Matches_bpftrace(bool allowUnsafe, string script)
    {
        Bpftrace.Require();
        var theirs = allowUnsafe ? Bpftrace.Run("--unsafe", "-e", script) : Bpftrace.Run("-e", script);
        var ours = TraceTestKit.RunLikeCli(script, allowUnsafe: allowUnsafe);
        Assert.Equal(theirs.Err, ours.Err);
        Assert.Equal(theirs.Out, ours.Out);
        Assert.Equal(theirs.Exit, ours.Exit);
    }

    /// <summary>
    /// A tuple stored before a wider one of the same variable or map: bpftrace 0.17 copies it raw into the wider
    /// layout and reads 0 for the elements after a string (<c>(a, 0)</c>); we copy it element by element.
    /// </summary>
    [Theory]
    [InlineData("BEGIN { $t = (\"a\", 1); print($t); $t = (\"bbbbbbbbbbbbbbbbbb\", 2); print($t); exit(); }", "(a, 1)\n(bbbbbbbbbbbbbbbbbb, 2)\n")]
    [InlineData("BEGIN { @m = (\"a\", 1); $t = @m; print($t); @m = (\"ccccccccccccccccccccccc\", 3); $t = @m; print($t); clear(@m); exit(); }", "(a, 1)\n(ccccccccccccccccccccccc, 3)\n")]
    [InlineData("BEGIN { @t[1] = (\"a\", 1); @t[2] = (\"bbbbbbbbbbbbbb\", 2); exit(); }", "@t[1]: (a, 1)\n@t[2]: (bbbbbbbbbbbbbb, 2)\n")]
    [InlineData("BEGIN { @t = ((\"a\", 1), 2); @u = @t; @t = ((\"bbbbbbbbbbbbbbbbbbbbbb\", 3), 4); $v = @u; print($v); clear(@t); clear(@u); exit(); }", "((a, 1), 2)\n")]
    public void Tuples_of_other_string_sizes_keep_every_element(string script, string printed)
    {
        var ours = TraceTestKit.RunLikeCli(script);
        Assert.Equal("", ours.Err);
        Assert.Equal(0, ours.Exit);
        Assert.Contains(printed, ours.Out, StringComparison.Ordinal);
    }

    /// <summary>Listing patterns that 0.17's attach point parser reads first: interval and profile, bare type names, wildcard types, arguments.</summary>
    [Theory]
    [InlineData("interval:*")]
    [InlineData("interval:s:*")]
    [InlineData("interval:s:1")]
    [InlineData("i:*")]
    [InlineData("p:*")]
    [InlineData("profile:hz:99")]
    [InlineData("interval:*:*")]
    [InlineData("interval:x:1")]
    [InlineData("profile:hz:abc")]
    [InlineData("interval:s:1x")]
    [InlineData("interval:s:1:2")]
    [InlineData("profile:*:99")]
    [InlineData("interval:ms:1e3")]
    // a type named alone: its argument-count error (rawtracepoint and unknown names abort), BEGIN/END with arguments
    [InlineData("tracepoint")]
    [InlineData("u")]
    [InlineData("uretprobe")]
    [InlineData("kprobe")]
    [InlineData("kr")]
    [InlineData("software")]
    [InlineData("hardware")]
    [InlineData("interval")]
    [InlineData("p")]
    [InlineData("iter")]
    [InlineData("kfunc")]
    [InlineData("fr")]
    [InlineData("usdt")]
    [InlineData("watchpoint")]
    [InlineData("aw")]
    [InlineData("rawtracepoint")]
    [InlineData("BEGIN:x")]
    [InlineData("END:y")]
    [InlineData("BEGIN:*")]
    [InlineData("sched_switch")]
    // a wildcard type expands over -l's kernel types (over uprobe and usdt when the second part is a path): one
    // match is parsed as if named, several each on their own, leaving out those whose arguments do not fit;
    // every parse error is reported before anything is listed, and a pattern left with no attach point says so
    [InlineData("*:/bin/bash:f*")]
    [InlineData("*:/bin/bash")]
    [InlineData("*:/nonexistent/bin:f")]
    [InlineData("s*:/bin/bash:f*")]
    [InlineData("t*:/bin/bash:f*")]
    [InlineData("p*:x:y")]
    [InlineData("p*:x:y,s*:x:1")]
    [InlineData("*:a:b")]
    [InlineData("*:a:1")]
    [InlineData("*:a:*")]
    [InlineData("*:a:b:c")]
    [InlineData("*:*:*")]
    [InlineData("*:task")]
    [InlineData("k*:a:b")]
    [InlineData("kprobe:a:b,tracepoint:x:y")]
    [InlineData("tracepoint:a:b:c")]
    [InlineData("s*:x:1")]
    [InlineData("s*:x:y")]
    [InlineData("h*:x:1")]
    [InlineData("h*:cycles:5")]
    [InlineData("software:foo:bar")]
    [InlineData("software:x")]
    [InlineData("software:x:1:2")]
    [InlineData("software:faults:x")]
    [InlineData("hardware:x:y")]
    [InlineData("hardware:ref-cycles")]
    [InlineData("software:cpu:100,hardware:x:1")]
    [InlineData("iter:task")]
    [InlineData("it*:task_file")]
    [InlineData("usdt:/bin/bash")]
    public void Listing_interval_and_profile_matches_bpftrace(string pattern)
    {
        Bpftrace.Require();
        var theirs = Bpftrace.Run("-l", pattern);
        var ours = new SharpBpf.Trace.Probes.ProbeLister().List(pattern);
        Assert.Equal(theirs.Out, string.Concat(ours.Lines.Select(l => l + "\n")));
        Assert.Equal(theirs.Err, string.Concat(ours.Warnings) + ours.ErrorText);
        Assert.Equal(theirs.Exit != 0, ours.Error is not null);
    }

    /// <summary>
    /// BPFTRACE_MAX_PROBES: the probes a script attaches (BEGIN and END included, uprobes on missing functions
    /// not) against the limit, and how bpftrace 0.17 reads the variable (stoull). Over the limit nothing is
    /// attached, so the wildcard over every syscall tracepoint stays safe.
    /// </summary>
    [Theory]
    [InlineData(null, "tracepoint:syscalls:* { @ = count(); } BEGIN { exit(); }")]
    [InlineData("0", "BEGIN { printf(\"hi\\n\"); exit(); }")]
    [InlineData("1", "BEGIN { printf(\"hi\\n\"); exit(); } END { }")]
    [InlineData("1", "uprobe:/bin/bash:sharpbpf_no_such_function, BEGIN { printf(\"hi\\n\"); exit(); }")]
    [InlineData("2", "tracepoint:syscalls:sys_enter_read* { @ = count(); } BEGIN { exit(); }")]
    [InlineData(" 7x", "BEGIN { printf(\"hi\\n\"); exit(); }")]
    [InlineData("-1", "BEGIN { printf(\"hi\\n\"); exit(); }")]
    public void The_probe_limit_matches_bpftrace(string? limit, string script)
    {
        Bpftrace.Require();
        var theirs = Bpftrace.RunWith(limit, "-e", script);
        Assert.True(SharpBpf.Trace.Runtime.TraceOptions.TryParseMaxProbes(limit, out var max));
        var ours = TraceTestKit.RunLikeCli(script, maxProbes: max ?? SharpBpf.Trace.Runtime.TraceOptions.DefaultMaxProbes);
        Assert.Equal(theirs.Err, ours.Err);
        Assert.Equal(theirs.Out, ours.Out);
        Assert.Equal(theirs.Exit, ours.Exit);
    }

    [Theory]
    [InlineData(null, true, null)]
    [InlineData("512", true, 512UL)]
    [InlineData("  +12abc", true, 12UL)]
    [InlineData("-1", true, ulong.MaxValue)]
    [InlineData("0", true, 0UL)]
    [InlineData("18446744073709551615", true, ulong.MaxValue)]
    [InlineData("18446744073709551616", false, null)]
    [InlineData("abc", false, null)]
    [InlineData("", false, null)]
    [InlineData("-", false, null)]
    public void BPFTRACE_MAX_PROBES_reads_as_stoull(string? text, bool valid, ulong? expected)
    {
        Assert.Equal(valid, SharpBpf.Trace.Runtime.TraceOptions.TryParseMaxProbes(text, out var limit));
        Assert.Equal(expected, limit);
    }

    /// <summary>
    /// Stack limits and modes printed from BEGIN, which both tools run through BPF_PROG_TEST_RUN: frame
    /// counts, indents, perf's tab/address/module layout. Addresses and offsets are masked (the program's
    /// own frame and the process's mappings differ between runs).
    /// </summary>
    [Theory]
    [InlineData("BEGIN { print(kstack(3)); print(kstack(bpftrace, 2)); print(kstack(perf, 4)); exit(); }")]
    [InlineData("BEGIN { @k[kstack(perf, 2)] = 1; @v = kstack(1); @p = kstack(perf, 1); exit(); }")]
    [InlineData("BEGIN { print(ustack(perf, 1)); @u[ustack(perf, 1)] = 1; @w = ustack(perf, 1); exit(); }")]
    public void Stack_modes_and_limits_match_bpftrace(string script)
    {
        Bpftrace.Require();
        var theirs = Bpftrace.Run("-e", script);
        var ours = TraceTestKit.RunLikeCli(script);
        Assert.Equal(Mask(theirs.Out), Mask(ours.Out));
        Assert.Equal(theirs.Exit, ours.Exit);
    }

    // a BPF program's own frame: bcc names it after whichever kallsyms symbol precedes the JIT image
    // (_einittext, bpf_dispatcher_xdp), we after the program's own bpf_prog_TAG_NAME symbol
    private static string Mask(string text) => System.Text.RegularExpressions.Regex.Replace(
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(text, @"(_einittext|bpf_dispatcher_\w+|bpf_prog_[0-9a-f]+_\w+)\+\d+", "PROG"),
            @"\b[0-9a-f]{12,16}\b", "ADDR"),
        @"\+\d+", "+N");
}
