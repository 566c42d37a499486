using System.Diagnostics;
using SharpBpf.Trace.Runtime;
using SharpBpf.Trace.Semantics;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// Scripts run in the kernel, compared with what bpftrace 0.17 printed for the same scripts
/// (tests/data/trace/output: NAME.bt with NAME.txt and NAME.json captured from bpftrace), and live
/// probes triggered by child processes. Skipped without bpf(2) privileges.
/// </summary>
[Collection("kernel")]
public sealed class EndToEndTests
{
    public static TheoryData<string> Goldens()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(TraceTestKit.OutputDir, "*.bt").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Text_output_matches_bpftrace(string name)
    {
        string source = File.ReadAllText(Path.Combine(TraceTestKit.OutputDir, name + ".bt"));
        Assert.Equal(File.ReadAllText(Path.Combine(TraceTestKit.OutputDir, name + ".txt")), TraceTestKit.Run(source));
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Json_output_matches_bpftrace(string name)
    {
        string source = File.ReadAllText(Path.Combine(TraceTestKit.OutputDir, name + ".bt"));
        Assert.Equal(File.ReadAllText(Path.Combine(TraceTestKit.OutputDir, name + ".json")), TraceTestKit.Run(source, format: "json"));
    }

    public static TheoryData<string> Parity()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(TraceTestKit.OutputDir, "..", "parity"), "*.bt").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    // tests/data/trace/parity: the language (arithmetic, strings, tuples, loops, casts, min/max
    // quirks, clear/zero, END), captured from bpftrace by its capture.sh.
    [Theory]
    [MemberData(nameof(Parity))]
    public void Language_matches_bpftrace(string name)
    {
        string dir = Path.Combine(TraceTestKit.OutputDir, "..", "parity");
        Assert.Equal(File.ReadAllText(Path.Combine(dir, name + ".txt")), TraceTestKit.Run(File.ReadAllText(Path.Combine(dir, name + ".bt"))));
    }

    [Fact]
    public void Issue_example_begin_arithmetic_hist_lhist()
    {
        string text = TraceTestKit.Run("BEGIN { printf(\"%d %s\\n\", 1 + 2 * 3, \"x\"); @h = hist(5); @l = lhist(7, 0, 10, 2); exit(); }");
        Assert.Equal(
            "Attaching 1 probe...\n7 x\n\n\n@h: \n[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n" +
            "@l: \n[6, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n",
            text);
    }

    [Fact]
    public void Control_flow_variables_strings_and_casts()
    {
        string text = TraceTestKit.Run(
            "BEGIN { $i = 0; $s = 0; while ($i < 10) { $i++; if ($i == 8) { break; } $s += $i; } " +
            "unroll(3) { @u++; } $t = $s > 20 ? \"big\" : \"small\"; " +
            "printf(\"%d %d %s %d %d %d\\n\", $i, $s, $t, (uint8)300, (int8)255, strncmp(\"abc\", \"abd\", 2)); " +
            "if ($t == \"big\") { printf(\"eq\\n\"); } else { printf(\"ne\\n\"); } exit(); }");
        Assert.Equal("Attaching 1 probe...\n8 28 big 44 -1 0\neq\n\n\n@u: 3\n", text);
    }

    [Fact]
    public void Positional_parameters()
    {
        string text = TraceTestKit.Run("BEGIN { printf(\"%d %s %d\\n\", $1 + 1, $2, $#); exit(); }", null, "text", "41", "word");
        Assert.Equal("Attaching 1 probe...\n42 word 2\n\n\n", text);
    }

    [Fact]
    public void Tracepoint_counts_the_files_a_child_opens()
    {
        string text = TraceTestKit.Run(
            "tracepoint:syscalls:sys_enter_openat /comm == \"cat\"/ { @[str(args->filename)] = count(); }",
            "/usr/bin/cat /etc/hostname");
        Assert.Contains("\n@[/etc/hostname]: 1\n", text, StringComparison.Ordinal);
        Assert.StartsWith("Attaching 1 probe...\n", text, StringComparison.Ordinal);
    }

    // cpid is -c's process id, a constant in the programs: the command starts stopped before they load (as
    // bpftrace's does), so its exec, its first event, is seen. The lines given are in both outputs (the other
    // file names head opens are read from pages not always resident at the syscall's entry, in either tool).
    [Theory]
    [InlineData("tracepoint:syscalls:sys_enter_execve /pid == cpid/ { printf(\"exec %s\\n\", str(args->filename)); }", "/bin/true",
        "exec /bin/true")]
    [InlineData("tracepoint:syscalls:sys_enter_openat /pid == cpid/ { @[str(args->filename)] = count(); } END { printf(\"%d\\n\", cpid > 1); }",
        "/usr/bin/head -c0 /etc/hostname", "1", "@[/etc/hostname]: 1")]
    public void Cpid_is_the_commands_process_from_its_exec_on(string script, string command, params string[] lines)
    {
        Bpftrace.Require();
        var theirs = Bpftrace.Run("-e", script, "-c", command);
        var ours = TraceTestKit.RunLikeCli(script, command);
        Assert.Equal((0, ""), (ours.Exit, ours.Err));
        Assert.Equal(theirs.Exit, ours.Exit);
        foreach (string line in lines)
        {
            Assert.Contains(line, theirs.Out.Split('\n'));
            Assert.Contains(line, ours.Out.Split('\n'));
        }
        Assert.Equal(theirs.Out.Split('\n')[0], ours.Out.Split('\n')[0]); // Attaching N probes...
    }

    [Fact]
    public void Wildcard_tracepoints_and_the_probe_builtin()
    {
        string text = TraceTestKit.Run("tracepoint:syscalls:sys_enter_openat* /comm == \"cat\"/ { @[probe] = count(); }", "/usr/bin/cat /etc/hostname");
        Assert.Contains("@[tracepoint:syscalls:sys_enter_openat]: ", text, StringComparison.Ordinal);
        Assert.StartsWith("Attaching 2 probes...\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Uprobe_and_uretprobe_on_a_binary()
    {
        if (!File.Exists("/usr/bin/bash"))
            Assert.Skip("no /usr/bin/bash");
        string text = TraceTestKit.Run(
            "uprobe:/usr/bin/bash:find_shell_builtin { @[str(arg0)] = count(); } uretprobe:/usr/bin/bash:find_shell_builtin { @r = count(); }",
            "/usr/bin/bash -c 'echo hi; pwd'");
        Assert.Contains("@[echo]: ", text, StringComparison.Ordinal);
        Assert.Contains("@[pwd]: ", text, StringComparison.Ordinal);
        Assert.Contains("@r: ", text, StringComparison.Ordinal);
    }

    // ntop() of a tracepoint's 4- and 16-byte address arrays: this process connects to itself over loopback.
    [Theory]
    [InlineData(2, "127.0.0.1")]
    [InlineData(10, "::1")]
    public void Ntop_prints_a_tracepoints_address_arrays(int family, string address)
    {
        var ip = System.Net.IPAddress.Parse(address);
        using var listener = new System.Net.Sockets.TcpListener(ip, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        string field = family == 2 ? "addr" : "addr_v6";
        var (exit, output, err) = TraceTestKit.RunLikeCli(
            "BEGIN { printf(\"ready\\n\"); } " +
            $"tracepoint:sock:inet_sock_set_state /args->family == {family} && args->dport == {port}/ " +
            $"{{ printf(\"%s %s\\n\", ntop(args->s{field}), ntop(args->d{field})); exit(); }}",
            ready: "ready",
            trigger: () =>
            {
                using var client = new System.Net.Sockets.TcpClient(ip.AddressFamily);
                client.Connect(ip, port);
            });
        Assert.Equal((0, ""), (exit, err));
        Assert.Contains($"\n{address} {address}\n", output, StringComparison.Ordinal);
    }

    // reg(): the uprobe's first argument register is arg0, the uretprobe's ax retval.
    [Fact]
    public void Reg_reads_the_probes_registers()
    {
        if (!File.Exists("/usr/bin/bash"))
            Assert.Skip("no /usr/bin/bash");
        string text = TraceTestKit.Run(
            "uprobe:/usr/bin/bash:find_shell_builtin { @a[reg(\"di\") == arg0, reg(\"di\") != 0] = count(); } " +
            "uretprobe:/usr/bin/bash:find_shell_builtin { @r[reg(\"ax\") == retval] = count(); }",
            "/usr/bin/bash -c 'echo hi; pwd'");
        Assert.Matches("\n@a\\[1, 1\\]: [0-9]+\n", text);
        Assert.DoesNotContain("@a[0", text, StringComparison.Ordinal);
        Assert.Matches("\n@r\\[1\\]: [0-9]+\n", text);
        Assert.DoesNotContain("@r[0]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Uprobe_function_wildcards_expand_through_the_symbol_table()
    {
        if (!File.Exists("/usr/bin/bash"))
            Assert.Skip("no /usr/bin/bash");
        string text = TraceTestKit.Run("uprobe:/usr/bin/bash:find_shell_built* { @[probe] = count(); }", "/usr/bin/bash -c 'echo hi'");
        Assert.Contains("@[uprobe:/usr/bin/bash:find_shell_builtin]: ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Rawtracepoint_and_software_events()
    {
        string text = TraceTestKit.Run("rawtracepoint:sched_process_exec { @e[comm] = count(); } software:page-faults:1 /comm == \"true\"/ { @f = count(); }", "/usr/bin/true");
        Assert.Matches(@"@e\[true\]: [1-9]\d*\n", text); // other processes may exec true meanwhile
        Assert.Matches(@"@f: [1-9]\d*\n", text);
    }

    [Fact]
    public void Join_prints_a_childs_argv()
    {
        string text = TraceTestKit.Run("tracepoint:syscalls:sys_enter_execve /str(args->filename) == \"/usr/bin/true\"/ { printf(\"exec: \"); join(args->argv); }", "/usr/bin/true one 'two words'");
        Assert.Equal("Attaching 1 probe...\nexec: /usr/bin/true one two words\n\n\n", text);
    }

    [Fact]
    public void Interval_fires_and_exit_stops()
    {
        var watch = Stopwatch.StartNew();
        string text = TraceTestKit.Run("interval:ms:50 { @n++; if (@n == 3) { exit(); } }");
        Assert.Equal("Attaching 1 probe...\n\n\n@n: 3\n", text);
        Assert.InRange(watch.ElapsedMilliseconds, 100, 10_000);
    }

    [Fact]
    public void Profile_with_kstack_symbolizes_frames()
    {
        string text = TraceTestKit.Run("profile:hz:997 { @[kstack] = count(); } interval:ms:300 { exit(); }");
        Assert.StartsWith("Attaching 2 probes...\n", text, StringComparison.Ordinal);
        Assert.Matches(@"@\[\n {4}[a-z_0-9.]+\+\d+\n", text); // bpftrace indents a map key's frames by 4
    }

    [Fact]
    public void Btf_field_chains_and_builtins()
    {
        string text = TraceTestKit.Run("BEGIN { printf(\"%d %d %d\\n\", curtask->parent->pid > 0, curtask->pid == tid, pid == curtask->tgid); exit(); }");
        Assert.Equal("Attaching 1 probe...\n1 1 1\n\n\n", text);
    }

    [Fact]
    public void End_probe_and_clear()
    {
        string text = TraceTestKit.Run("BEGIN { @a = 1; @b[1] = count(); clear(@b); exit(); } END { printf(\"end %d\\n\", @a); }");
        Assert.Equal("Attaching 2 probes...\nend 1\n\n\n@a: 1\n\n", text);
    }
    // strftime() of nsecs and of a fixed boot-relative time: bpftrace adds the wall-clock time of boot.
    // Compared with bpftrace run now (hour/day resolution, so the two runs agree).
    [Fact]
    public void Strftime_matches_bpftrace()
    {
        const string script = "BEGIN { printf(\"%s|\\n\", strftime(\"%Y-%m-%d %H %j %%\", nsecs)); @t = strftime(\"%Y-%m-%d\", 1000000000); @u[strftime(\"%Y\", 0)] = 1; exit(); }";
        string ours = TraceTestKit.Run(script);
        Assert.Equal(Bpftrace.Run("-e", script).Out, ours);
        Assert.Contains(DateTime.Now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ours, StringComparison.Ordinal);
    }

    // Values of one map, key or variable written by strftime() calls of different formats print each
    // with its own (a value carries its call's format), as bpftrace prints them; with 0.17's numbering
    // of a map assignment's calls (value first, then keys) that gives a key+value assignment its quirk.
    [Theory]
    [InlineData("BEGIN { @a = strftime(\"%H\", nsecs); @b = strftime(\"%Y-%m-%d\", nsecs); exit(); }")]
    [InlineData("BEGIN { @m[1] = strftime(\"%H\", nsecs); @m[2] = strftime(\"%Y\", nsecs); @m[3] = strftime(\"%j\", 0); exit(); }")]
    [InlineData("BEGIN { $t = strftime(\"%Y\", nsecs); printf(\"%s\\n\", $t); $t = strftime(\"%d %H\", nsecs); printf(\"%s\\n\", $t); @t = $t; exit(); }")]
    [InlineData("BEGIN { @k[strftime(\"%Y\", nsecs)] = 1; @k[strftime(\"%H\", nsecs)] = 2; @s = (strftime(\"%j\", 0), strftime(\"%Y\", 0)); exit(); }")]
    [InlineData("BEGIN { @[strftime(\"%H\", nsecs), strftime(\"%Y\", nsecs)] = strftime(\"%j\", 0); print(@); exit(); }")]
    public void Strftime_values_keep_their_format(string script) =>
        Assert.Equal(Bpftrace.Run("-e", script).Out, TraceTestKit.Run(script));

    // offsetof(struct, field) through BTF (bpftrace 0.17 has no offsetof; 0.18's syntax).
    [Fact]
    public void Offsetof_reads_btf()
    {
        string text = TraceTestKit.Run("BEGIN { printf(\"%d %d\\n\", offsetof(struct list_head, prev), offsetof(struct list_head, next)); @o = offsetof(struct task_struct, pid); exit(); }");
        var types = Semantics.KernelTypes.Vmlinux();
        Assert.True(types.TryField(types.Struct("struct task_struct")!, "pid", out int pid, out _));
        Assert.Equal($"Attaching 1 probe...\n8 0\n\n\n@o: {pid}\n", text);
    }

    // uaddr() resolves the uprobe binary's data symbols only (bpftrace 0.17 skips STT_FUNC), at st_value.
    [Fact]
    public void Uaddr_resolves_data_symbols_of_the_uprobe_binary()
    {
        TraceTestKit.RequireKernel();
        var sym = Semantics.SemanticAnalyzer.UserDataSymbol("/bin/bash", "rl_line_buffer");
        Assert.NotNull(sym);
        Assert.Null(Semantics.SemanticAnalyzer.UserDataSymbol("/bin/bash", "main"));
        var script = TraceCompiler.Compile("uprobe:/bin/bash:readline { @a = uaddr(\"rl_line_buffer\"); }", new TracefsEnvironment([]));
        Assert.Single(script.Programs);
        var e = Assert.Throws<TraceCompileException>(() => TraceCompiler.Compile("uprobe:/bin/bash:readline { @a = uaddr(\"main\"); }", new TracefsEnvironment([])));
        Assert.Contains("Could not resolve symbol: /bin/bash:main", e.Message, StringComparison.Ordinal);
    }
}
