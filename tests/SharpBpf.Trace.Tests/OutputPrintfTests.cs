using SharpBpf.Trace.Output;
using Xunit;
using static SharpBpf.Trace.Output.PrintfArgument;
using static SharpBpf.Trace.Tests.OutputTestKit;

namespace SharpBpf.Trace.Tests;

/// <summary>printf against bpftrace 0.17 running tests/data/trace/output/printf.bt (text and JSON).</summary>
public sealed class OutputPrintfTests
{
    // The calls printf.bt makes, in order, with the arguments as the events carry them.
    private static readonly (string Format, PrintfArgument[] Args)[] Calls =
    [
        ("%d %s\n", [Int(7), Str("x")]),
        ("[%d] [%5d] [%-5d] [%05d]\n", [Int(-42), Int(42), Int(42), Int(42)]),
        ("[%u] [%u] [%x] [%X] [%o] [%lx] [%llx]\n", [Int(42), Int(-1), Int(255), Int(255), Int(8), Int(-1), Int(3735928559)]),
        ("[%ld] [%lld] [%lu] [%llu] [%hd] [%hhd] [%hu]\n", [Int(-7), Int(-8), Int(9), Int(-1), Int(70000), Int(300), Int(-1)]),
        ("[%d] [%u] [%x] [%ld]\n", [Int(4294967297), Int(4294967297), Int(4294967297), Int(4294967297)]),
        ("[%s] [%10s] [%-10s] [%.2s] [%c] [%%]\n", [Str("abc"), Str("abc"), Str("abc"), Str("abcdef"), Int(65)]),
        ("[%p] [%p]\n", [Int(4096), Int(0)]),
        ("[%8.3d] [%-8x|] [%.3d]\n", [Int(5), Int(255), Int(7)]),
        ("tab\there \"quoted\" back\\slash\n", []),
        ("no newline", []),
        ("|\n", []),
        ("100%% literal\n", []),
        ("%d%% then %d%%\n", [Int(5), Int(6)]),
        ("%s and %s\n", [Str("first"), Str("second")]),
        ("%d%d%d\n", [Int(1), Int(2), Int(3)]),
        ("[%x] [%d]\n", [Int(-1), Int(255)]),
        ("[%d] [%u]\n", [Int(-1), Int(4294967295)]),
        ("[%s]\n", [Str("")]),
        ("[%r] [%rx]\n", [Buf([(byte)'a', 1]), Buf([(byte)'a', 1])]),
    ];

    [Fact]
    public void Printf_matches_bpftrace_text_and_json()
    {
        var (text, json) = Both(o =>
        {
            o.AttachedProbes(1);
            foreach (var (format, args) in Calls)
                o.Printf(PrintfFormatter.Render(format, args));
            o.MapsAtExit([]);
        });
        Assert.Equal(Capture("output", "printf.txt"), text);
        Assert.Equal(Capture("output", "printf.json"), json);
    }

    [Fact]
    public void Join_time_and_printf_events_match_text_and_json()
    {
        var year = new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);
        string[] argv = ["/bin/echo", "a", "b c"];
        var (text, json) = Both(o =>
        {
            o.AttachedProbes(1);
            o.Join(string.Join(" ", argv));
            o.Join(string.Join(",", argv));
            o.Time(Strftime.Format("%Y;", year));
            o.Printf("|\n");
            o.MapsAtExit([]);
        });
        Assert.Equal(Capture("output", "join.txt"), text);
        Assert.Equal(Capture("output", "join.json"), json);
    }

    [Theory]
    [InlineData("[%d] [%5d] [%-5d] [%05d] [%i]\n", 4)] // %i is no conversion in 0.17
    [InlineData("[%+d] [% d]", 0)]
    [InlineData("%lld %hhx %zu %ju %td %c %s %p", 8)]
    [InlineData("100%%", 0)]
    public void Conversions_are_counted_as_bpftrace_counts_them(string format, int count) =>
        Assert.Equal(count, new PrintfFormatter(format).ArgumentCount);

    [Fact]
    public void Argument_count_errors_are_worded_as_bpftrace()
    {
        var f = new PrintfFormatter("[%d] [%5d] [%-5d] [%05d] [%+d] [% d]\n");
        Assert.Equal("printf: Too many arguments for format string (6 supplied, 4 expected)", f.CheckArgumentCount(6));
        Assert.Equal("printf: Not enough arguments for format string (1 supplied, 2 expected)", new PrintfFormatter("%d %d\n").CheckArgumentCount(1));
        Assert.Null(f.CheckArgumentCount(4));
    }

    [Fact]
    public void Strftime_follows_the_c_library()
    {
        var t = new DateTimeOffset(2026, 3, 7, 14, 5, 9, TimeSpan.Zero);
        Assert.Equal("14:05:09\n", Strftime.Format("%H:%M:%S\n", t));
        Assert.Equal("2026-03-07 Sat Saturday Mar March 066 02 PM  7 %", Strftime.Format("%F %a %A %b %B %j %I %p %e %%", t));
        Assert.Equal("03/07/26 +0000 UTC 1772892309", Strftime.Format("%D %z %Z %s", t));
        // bpftrace's strftime() adds %f (microseconds); time() leaves it to libc, which prints it as is
        var boot = new DateTimeOffset(2026, 3, 7, 14, 0, 0, TimeSpan.Zero);
        Assert.Equal("14:05:09.188427 %Q", Strftime.FromBoot("%H:%M:%S.%f %Q", boot, 309_188_427_999).Replace(Strftime.Format("%H", boot.ToLocalTime()) + ":", "14:", StringComparison.Ordinal));
        Assert.Equal("%f", Strftime.Format("%f", t));
    }

    [Theory]
    [InlineData(new byte[] { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, "2001:db8::1")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, "::1")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "::")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1 }, "::ffff:10.0.0.1")]
    [InlineData(new byte[] { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2 }, "fe80::1:0:0:2")]
    [InlineData(new byte[] { 0x20, 0x01, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1 }, "2001:1:0:1:0:1:0:1")]
    public void Ntop_ipv6_matches_inet_ntop(byte[] address, string expected) =>
        Assert.Equal(expected, TraceValueFormatter.Ntop(10, address));

    [Fact]
    public void Ntop_ipv4_and_buffers()
    {
        Assert.Equal("127.0.0.1", TraceValueFormatter.Ntop(2, [127, 0, 0, 1]));
        Assert.Equal("", TraceValueFormatter.Ntop(99, [1, 2, 3, 4]));
        Assert.Equal("ab\\x00\\x01\\xff", TraceValueFormatter.Buffer([(byte)'a', (byte)'b', 0, 1, 0xff]));
        Assert.Equal("\\x61", TraceValueFormatter.Buffer([(byte)'a'], keepAscii: false));
        Assert.Equal("a\\\"b\\\\c\\n\\u0001", TraceValueFormatter.JsonEscape("a\"b\\c\n\x01"));
    }

    [Fact]
    public void Kernel_symbols_resolve_to_the_nearest_symbol_below()
    {
        var k = KernelSymbols.Parse(
        [
            "ffffffff81000000 T _stext",
            "ffffffff81000100 T do_sys_open",
            "ffffffff81000100 t alias_of_open",
            "ffffffff81000200 t vfs_read\t[ext4]",
            "0000000000000000 T zeroed",
        ]);
        Assert.Equal(4, k.Count);
        Assert.Equal("do_sys_open+16", k.Format(0xffffffff81000110, showOffset: true));
        Assert.Equal("do_sys_open", k.Format(0xffffffff81000100, showOffset: false));
        Assert.Equal("vfs_read+0", k.Format(0xffffffff81000200, showOffset: true));
        Assert.Equal("0x1000", k.Format(0x1000, showOffset: false));
        Assert.Equal(0xffffffff81000100UL, k.AddressOf("do_sys_open"));
        var stack = SymbolFormat.Stack([(0xffffffff81000110UL, k.Format(0xffffffff81000110, true)), (0xffffffff81000000UL, k.Format(0xffffffff81000000, true)), (0UL, "")]);
        Assert.Equal("\n        do_sys_open+16\n        _stext+0\n", stack);
        Assert.Equal("\n\tffffffff81000110 do_sys_open+16\n", SymbolFormat.Stack([(0xffffffff81000110UL, "do_sys_open+16")], perfMode: true));
    }

    [Fact]
    public void Live_kallsyms_resolves_a_known_function_when_addresses_are_visible()
    {
        var k = KernelSymbols.Load();
        var addr = k.AddressOf("vfs_read");
        if (addr == 0)
            Assert.Skip("/proc/kallsyms shows no addresses here (not root, or kptr_restrict)");
        Assert.Equal("vfs_read+4", k.Format(addr + 4, showOffset: true));
    }
}

/// <summary>usym/ustack symbolization against a live process (this test host).</summary>
public sealed class OutputUserSymbolTests
{
    [Fact]
    public void A_function_of_this_process_resolves_through_its_mappings()
    {
        var self = UserSymbols.Load(Environment.ProcessId);
        // libc is mapped into every .NET process; find getpid's runtime address through its ELF and mapping
        var maps = File.ReadAllLines("/proc/self/maps");
        var libcLine = maps.FirstOrDefault(l => l.Contains("libc.so", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1].Contains('x', StringComparison.Ordinal));
        if (libcLine is null)
            Assert.Skip("no executable libc mapping in /proc/self/maps");
        var f = libcLine.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        var path = f[5].Trim();
        var start = Convert.ToUInt64(f[0].Split('-')[0], 16);
        var offset = Convert.ToUInt64(f[2], 16);
        var table = SharpBpf.Trace.Probes.ElfSymbolTable.Load(path);
        var getpid = table.AddressOf("getpid");
        if (getpid is null)
            Assert.Skip("libc has no getpid symbol");
        var runtime = getpid.Value - offset + start + 2;
        Assert.Equal("getpid+2", self.Format(runtime, showOffset: true));
        Assert.Equal("getpid", self.Format(runtime, showOffset: false));
        Assert.Equal("0x10", self.Format(0x10, showOffset: true));
    }

    [Fact]
    public void Maps_lines_keep_executable_file_mappings_only()
    {
        var u = UserSymbols.Parse(1,
        [
            "00400000-00401000 r-xp 00000000 08:01 1 /nonexistent/bin",
            "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 [heap]",
            "7f0000002000-7f0000003000 r-xp 00000000 00:00 0 [vdso]",
        ]);
        Assert.False(u.TryResolve(0x400010, out var sym, out _, out var module));
        Assert.Null(sym);
        Assert.Equal("/nonexistent/bin", module);
        Assert.Equal("0x400010 (/nonexistent/bin)", u.Format(0x400010, showOffset: true, perfMode: true));
        Assert.False(u.TryResolve(0x7f0000000010, out _, out _, out module));
        Assert.Null(module);
    }
}
