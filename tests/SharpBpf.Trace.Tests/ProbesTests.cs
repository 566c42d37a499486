using SharpBpf.TestKit;
using SharpBpf.Trace.Probes;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// Probe specs, wildcards, tracepoint formats and <c>-l</c>/<c>-lv</c> listings against bpftrace 0.17's
/// output captured in tests/data/trace/probes (cases.tsv; tracefs/ is a copy of this machine's tracefs
/// files, so the listings compare offline).
/// </summary>
public sealed class ProbesTests
{
    private static string Dir => Path.Combine(TestPaths.Data, "trace", "probes");

    private static ProbeLister Lister => new(Path.Combine(Dir, "tracefs")) { HasKernelBtf = true };

    public static TheoryData<string, string, string> ListingCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var line in File.ReadAllLines(Path.Combine(Dir, "cases.tsv")))
        {
            var f = line.Split('\t');
            if (f.Length == 3)
                data.Add(f[0], f[1], f[2]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ListingCases))]
    public void Listing_matches_bpftrace(string name, string flag, string pattern)
    {
        if (pattern.Contains("/bin/bash", StringComparison.Ordinal))
            RequireCapturedBash();
        var result = Lister.List(pattern, verbose: flag == "-lv");
        Assert.Null(result.Error);
        var text = string.Concat(result.Lines.Select(l => l + "\n"));
        Assert.Equal(File.ReadAllText(Path.Combine(Dir, name + ".txt")), text);
    }

    // The uprobe captures list the symbols of the /bin/bash they were taken from.
    private static void RequireCapturedBash()
    {
        if (!File.Exists("/bin/bash"))
            Assert.Skip("/bin/bash is not on this machine");
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes("/bin/bash")));
        if (hash != File.ReadAllText(Path.Combine(Dir, "bash.sha256")).Trim())
            Assert.Skip("/bin/bash differs from the one the uprobe listings were captured from (rerun capture.sh)");
    }

    [Fact]
    public void Listing_everything_matches_available_events_plus_the_other_types()
    {
        var result = Lister.List(null);
        var events = File.ReadAllLines(Path.Combine(Dir, "tracefs", "available_events"));
        Assert.Equal(events.Length + 4, result.Lines.Count);
        Assert.Equal(["hardware:*:", "iter:task", "iter:task_file", "software:*:"], result.Lines.Take(4));
        Assert.Single(result.Warnings); // kprobes: available_filter_functions is not readable in the copy
    }

    [Theory]
    [InlineData("BEGIN", "special::")]
    [InlineData("cpu*", "tracepoint:power:cpu_idle")]
    [InlineData("tracepoint:sched:sched_switch,tracepoint:sched:sched_wakeup", "tracepoint:sched:sched_wakeup")]
    [InlineData("hard*:*", "hardware:*:")]
    public void Listing_quirks_of_017(string pattern, string expectedLine) =>
        Assert.Contains(expectedLine, Lister.List(pattern).Lines);

    [Fact]
    public void Listing_rejects_what_bpftrace_rejects()
    {
        Assert.Equal("Invalid probe type made it to attachpoint parser", Lister.List("sched_switch").Error);
        Assert.Equal("tracepoint probe type requires 2 arguments", Lister.List("tracepoint:sched").Error);
        Assert.Equal("uprobe probe type requires 2 arguments", Lister.List("uprobe:/bin/bash").Error);
        Assert.Equal("FATAL: Invalid probe type made it to attachpoint parser\n", Lister.List("sched_switch").ErrorText);
        // bpftrace -l 'kfunc:vfs_read' on this kernel, and -l 'uprobe:/bin/bash'
        Assert.Equal("stdin:1:1-15: ERROR: kfunc/kretfunc not available for your kernel version.\nkfunc:vfs_read\n~~~~~~~~~~~~~~\n", Lister.List("kfunc:vfs_read").ErrorText);
        Assert.Equal("stdin:1:1-17: ERROR: uprobe probe type requires 2 arguments\nuprobe:/bin/bash\n~~~~~~~~~~~~~~~~\n", Lister.List("uprobe:/bin/bash").ErrorText);
    }

    [Theory]
    [InlineData("tracepoint:syscalls:sys_enter_*", ProbeKind.Tracepoint, "tracepoint:syscalls:sys_enter_*")]
    [InlineData("t:sched:sched_switch", ProbeKind.Tracepoint, "tracepoint:sched:sched_switch")]
    [InlineData("u:/bin/bash:readline", ProbeKind.Uprobe, "uprobe:/bin/bash:readline")]
    [InlineData("ur:/bin/bash:readline", ProbeKind.Uretprobe, "uretprobe:/bin/bash:readline")]
    [InlineData("uprobe:/bin/bash:0x1000", ProbeKind.Uprobe, "uprobe:/bin/bash:0x1000")]
    [InlineData("i:s:1", ProbeKind.Interval, "interval:s:1")]
    [InlineData("p:hz:99", ProbeKind.Profile, "profile:hz:99")]
    [InlineData("s:cpu-clock:1000", ProbeKind.Software, "software:cpu-clock:1000")]
    [InlineData("s:faults", ProbeKind.Software, "software:faults")]
    [InlineData("k:vfs_read", ProbeKind.Kprobe, "kprobe:vfs_read")]
    [InlineData("f:vfs_read", ProbeKind.Kfunc, "kfunc:vfs_read")]
    [InlineData("rt:sched_switch", ProbeKind.RawTracepoint, "rawtracepoint:sched_switch")]
    [InlineData("BEGIN", ProbeKind.Begin, "BEGIN")]
    [InlineData("END", ProbeKind.End, "END")]
    public void Probe_specs_parse_with_aliases(string text, ProbeKind kind, string name)
    {
        var spec = ProbeSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(name, spec.Name);
    }

    [Theory]
    [InlineData("tracepoint:sched", "tracepoint probe type requires 2 arguments")]
    [InlineData("tracepoint:sched:", "tracepoint probe must have a target")]
    [InlineData("kprobe:", "kprobes should be attached to a function")]
    [InlineData("interval:*", "interval probe type requires 2 arguments")]
    [InlineData("profile:*", "profile probe type requires 2 arguments")]
    [InlineData("uprobe:/bin/bash", "uprobe probe type requires 2 arguments")]
    [InlineData("tp:sched:sched_switch", "Invalid probe type: tp")]
    [InlineData("interval:s:x", "stoull")]
    [InlineData("interval:ns:1", "ns is not an accepted unit of time")]
    public void Probe_spec_errors_are_worded_as_bpftrace(string text, string error)
    {
        Assert.False(ProbeSpec.TryParse(text, out _, out var message));
        Assert.Equal(error, message);
    }

    [Fact]
    public void Probe_spec_parts_and_periods()
    {
        var tp = ProbeSpec.Parse("tracepoint:syscalls:sys_enter_*");
        Assert.Equal("syscalls", tp.Target);
        Assert.Equal("sys_enter_*", tp.Function);
        Assert.True(tp.HasWildcard);
        Assert.Equal(1_000_000_000UL, ProbeSpec.Parse("interval:s:1").PeriodNanoseconds());
        Assert.Equal(10_101_010UL, ProbeSpec.Parse("profile:hz:99").PeriodNanoseconds());
        Assert.Equal(100_000_000UL, ProbeSpec.Parse("i:ms:100").PeriodNanoseconds());
        Assert.Equal("vfs_read", ProbeSpec.Parse("kprobe:vfs_read").Function);
    }

    [Theory]
    [InlineData("sys_enter_*", "sys_enter_openat", true)]
    [InlineData("*open*", "sys_enter_openat", true)]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    [InlineData("sched_switch", "sched_switch", true)]
    [InlineData("sched_switch", "sched_switch2", false)]
    [InlineData("sched_?witch", "sched_switch", false)]
    [InlineData("**x", "abx", true)]
    public void Wildcards_match_whole_names(string pattern, string text, bool match) =>
        Assert.Equal(match, Wildcard.IsMatch(pattern, text));

    [Fact]
    public void Tracepoint_format_gives_offsets_sizes_arrays_and_data_loc()
    {
        var root = Path.Combine(Dir, "tracefs");
        var openat = TracepointFormat.Load("syscalls", "sys_enter_openat", root);
        Assert.Equal("sys_enter_openat", openat.Name);
        Assert.True(openat.Id > 0);
        var filename = openat.Find("filename")!;
        Assert.Equal((24, 8, "const char *", true), (filename.Offset, filename.Size, filename.TypeName, filename.IsPointer));
        var dfd = openat.Find("dfd")!;
        Assert.Equal(("int", "s64", false), (dfd.TypeName, dfd.AdjustedTypeName, dfd.IsSigned));
        Assert.True(openat.Find("common_pid")!.IsCommon);

        var sw = TracepointFormat.Load("sched", "sched_switch", root);
        var comm = sw.Find("prev_comm")!;
        Assert.Equal((8, 16, 16, "char"), (comm.Offset, comm.Size, comm.ArrayLength, comm.TypeName));
        var state = sw.Find("prev_state")!;
        Assert.Equal((32, 8, true, "long"), (state.Offset, state.Size, state.IsSigned, state.TypeName));

        var exec = TracepointFormat.Load("sched", "sched_process_exec", root);
        var fn = exec.Find("filename")!;
        Assert.True(fn.IsDataLoc);
        Assert.Equal((8, 4, "char[]"), (fn.Offset, fn.Size, fn.TypeName));

        var execve = TracepointFormat.Load("syscalls", "sys_enter_execve", root);
        Assert.Equal("const char *const *", execve.Find("argv")!.TypeName);
        Assert.Throws<FileNotFoundException>(() => TracepointFormat.Load("nosuch", "thing", root));
    }

    [Fact]
    public void Live_tracefs_parses_when_mounted()
    {
        if (!File.Exists("/sys/kernel/tracing/events/syscalls/sys_enter_openat/format"))
            Assert.Skip("tracefs is not mounted at /sys/kernel/tracing (mount -t tracefs tracefs /sys/kernel/tracing)");
        var f = TracepointFormat.Load("syscalls", "sys_enter_openat");
        Assert.Equal(24, f.Find("filename")!.Offset);
    }

    [Fact]
    public void Elf_symbols_of_a_stripped_binary_come_from_dynsym()
    {
        if (!File.Exists("/bin/bash"))
            Assert.Skip("/bin/bash is not on this machine");
        var t = ElfSymbolTable.Load("/bin/bash");
        var names = t.FunctionNames().ToList();
        Assert.Contains("readline", names);
        var addr = t.AddressOf("readline")!.Value;
        Assert.True(t.TryResolve(addr + 1, out var name, out var offset));
        Assert.Equal(("readline", 1UL), (name, offset));
        Assert.Throws<InvalidDataException>(() => ElfSymbolTable.Load(Path.Combine(Dir, "cases.tsv")));
    }
}
