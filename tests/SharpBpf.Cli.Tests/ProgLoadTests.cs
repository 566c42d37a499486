using System.Diagnostics;
using System.Text.Json;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Cli.Tests;

/// <summary>
/// <c>prog load</c>, <c>prog loadall</c> and <c>prog pin</c> on the running kernel, checked against
/// what bpftool says about the same pins. Every test pins under its own directory and removes it.
/// </summary>
public sealed class ProgLoadTests
{
    private const string Bpftool = "/usr/sbin/bpftool";

    private static string Fixture(string name) => Path.Combine(TestPaths.Data, "objects", name + ".o");

    private static readonly Dictionary<string, string> ProgTypes = new()
    {
        ["xdp_count"] = "xdp",
        ["tc_count"] = "sched_cls",
        ["classifier_count"] = "sched_cls",
        ["socket_count"] = "socket_filter",
        ["tracepoint_openat"] = "tracepoint",
        ["tp_exec"] = "tracepoint",
        ["raw_tracepoint_sys_enter"] = "raw_tracepoint",
        ["raw_tp_sched_switch"] = "raw_tracepoint",
        ["perf_event_sample"] = "perf_event",
        ["cgroup_skb_ingress"] = "cgroup_skb",
        ["cgroup_skb_egress"] = "cgroup_skb",
    };

    /// <summary>A directory on /sys/fs/bpf for this test's pins (not created), removed by <see cref="Remove"/>.</summary>
    private static string PinDir(string what)
    {
        RequireKernel();
        return $"/sys/fs/bpf/sharpbpf-cli-{what}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    }

    private static void Remove(string dir)
    {
        if (Directory.Exists(dir))
            Directory.Delete(dir, recursive: true);
    }

    private static void RequireKernel()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists(Bpftool) || !Directory.Exists("/sys/fs/bpf"))
            Assert.Skip("needs root on Linux with bpftool at /usr/sbin/bpftool and /sys/fs/bpf");
    }

    private static JsonElement BpftoolJson(params string[] args)
    {
        var psi = new ProcessStartInfo(Bpftool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("-j");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"bpftool {string.Join(' ', args)}: {stderr.Result}{stdout.Result}");
        return JsonDocument.Parse(stdout.Result).RootElement.Clone();
    }

    private static List<uint> Ids(JsonElement e, string property) =>
        e.TryGetProperty(property, out var ids) ? ids.EnumerateArray().Select(x => x.GetUInt32()).ToList() : [];

    [Fact]
    public void Loadall_pins_every_program_of_prog_types_as_bpftool_sees_them()
    {
        string dir = PinDir("loadall");
        try
        {
            var (exit, stdout, stderr) = CliRunner.Run("prog", "loadall", Fixture("prog_types"), dir);
            Assert.True(exit == 0, stderr);
            Assert.Equal("", stdout);
            Assert.Equal("", stderr);
            Assert.Equal(ProgTypes.Keys.Order(StringComparer.Ordinal), Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            var mapIds = new HashSet<uint>();
            foreach (var (name, type) in ProgTypes)
            {
                var show = BpftoolJson("prog", "show", "pinned", Path.Combine(dir, name));
                // bpftool shows the full name from the program's BTF func_info (the kernel keeps 15 bytes).
                Assert.Equal(name, show.GetProperty("name").GetString());
                Assert.Equal(type, show.GetProperty("type").GetString());
                Assert.True(show.GetProperty("gpl_compatible").GetBoolean());
                Assert.True(show.GetProperty("btf_id").GetUInt32() > 0);
                var ids = Ids(show, "map_ids");
                Assert.Single(ids);
                mapIds.Add(ids[0]);
            }
            // One counters map, shared by all eleven programs.
            Assert.Single(mapIds);
            var map = BpftoolJson("map", "show", "id", mapIds.First().ToString());
            Assert.Equal("counters", map.GetProperty("name").GetString());
            Assert.Equal("array", map.GetProperty("type").GetString());
        }
        finally
        {
            Remove(dir);
        }
    }

    [Fact]
    public void Load_pins_the_first_program_and_pinmaps_every_map_with_libbpfs_names()
    {
        string dir = PinDir("pinmaps");
        try
        {
            Directory.CreateDirectory(dir);
            string prog = Path.Combine(dir, "prog"), maps = Path.Combine(dir, "maps");
            var (exit, stdout, stderr) = CliRunner.Run("prog", "load", Fixture("global_data"), prog, "pinmaps", maps, "-j");
            Assert.True(exit == 0, stderr);
            Assert.Equal("null\n", stdout);
            var show = BpftoolJson("prog", "show", "pinned", prog);
            Assert.Equal("xdp_globals", show.GetProperty("name").GetString());
            Assert.Equal("xdp", show.GetProperty("type").GetString());
            Assert.Equal(
                ["_data_foo", "_rodata_bar", "_rodata_str1_1", "global__kconfig", "global_d_bss", "global_d_data", "global_d_rodata"],
                Directory.GetFiles(maps).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            var pinnedIds = new HashSet<uint>();
            foreach (var file in Directory.GetFiles(maps))
            {
                var map = BpftoolJson("map", "show", "pinned", file);
                pinnedIds.Add(map.GetProperty("id").GetUInt32());
                Assert.Equal(Path.GetFileName(file), map.GetProperty("name").GetString()!.Replace('.', '_'));
            }
            var rodata = BpftoolJson("map", "show", "pinned", Path.Combine(maps, "global_d_rodata"));
            Assert.Equal("global_d.rodata", rodata.GetProperty("name").GetString());
            Assert.Equal(0x480, rodata.GetProperty("flags").GetInt32()); // BPF_F_RDONLY_PROG | BPF_F_MMAPABLE
            Assert.Equal(1, rodata.GetProperty("frozen").GetInt32());
            Assert.Equal(93, rodata.GetProperty("bytes_value").GetInt32());
            Assert.Subset(pinnedIds, Ids(show, "map_ids").ToHashSet());
        }
        finally
        {
            Remove(dir);
        }
    }

    [Fact]
    public void Prog_pin_pins_a_program_by_id_and_by_pin()
    {
        string dir = PinDir("pin");
        try
        {
            Directory.CreateDirectory(dir);
            string first = Path.Combine(dir, "first");
            Assert.Equal(0, CliRunner.Run("prog", "load", Fixture("subprogs"), first).Exit);
            var show = BpftoolJson("prog", "show", "pinned", first);
            Assert.Equal("xdp_subprogs", show.GetProperty("name").GetString());
            uint id = show.GetProperty("id").GetUInt32();

            string byId = Path.Combine(dir, "by_id"), byPin = Path.Combine(dir, "by_pin");
            var (exit, stdout, stderr) = CliRunner.Run("prog", "pin", "id", id.ToString(), byId);
            Assert.True(exit == 0, stderr);
            Assert.Equal("", stdout);
            Assert.Equal(id, BpftoolJson("prog", "show", "pinned", byId).GetProperty("id").GetUInt32());
            Assert.Equal((0, "null\n", ""), CliRunner.Run("prog", "pin", "pinned", first, byPin, "-j"));
            Assert.Equal(id, BpftoolJson("prog", "show", "pinned", byPin).GetProperty("id").GetUInt32());

            // A pin that exists already: one line, exit 1.
            (exit, _, stderr) = CliRunner.Run("prog", "pin", "id", id.ToString(), byId);
            Assert.Equal(1, exit);
            Assert.Equal($"sharpbpf: can't pin the object ({byId}): File exists\n", stderr);
        }
        finally
        {
            Remove(dir);
        }
    }

    [Fact]
    public void Load_reuses_a_map_given_by_name_or_index()
    {
        string dir = PinDir("mapreuse");
        try
        {
            Directory.CreateDirectory(dir);
            string pinnedMap = Path.Combine(dir, "counters");
            var create = Process.Start(Bpftool, ["map", "create", pinnedMap, "type", "array", "key", "4", "value", "8", "entries", "11", "name", "counters"]);
            create.WaitForExit();
            Assert.Equal(0, create.ExitCode);
            uint mapId = BpftoolJson("map", "show", "pinned", pinnedMap).GetProperty("id").GetUInt32();

            string byName = Path.Combine(dir, "by_name"), byIndex = Path.Combine(dir, "by_index");
            var (exit, _, stderr) = CliRunner.Run("prog", "load", Fixture("prog_types"), byName, "map", "name", "counters", "pinned", pinnedMap);
            Assert.True(exit == 0, stderr);
            Assert.Equal([mapId], Ids(BpftoolJson("prog", "show", "pinned", byName), "map_ids"));
            (exit, _, stderr) = CliRunner.Run("prog", "load", Fixture("prog_types"), byIndex, "map", "idx", "0", "id", mapId.ToString());
            Assert.True(exit == 0, stderr);
            Assert.Equal([mapId], Ids(BpftoolJson("prog", "show", "pinned", byIndex), "map_ids"));

            (exit, _, stderr) = CliRunner.Run("prog", "load", Fixture("prog_types"), Path.Combine(dir, "x"), "map", "name", "nope", "id", mapId.ToString());
            Assert.Equal((1, "sharpbpf: prog load: unable to find map 'nope'\n"), (exit, stderr));
            (exit, _, stderr) = CliRunner.Run("prog", "load", Fixture("prog_types"), Path.Combine(dir, "x"), "map", "idx", "5", "id", mapId.ToString());
            Assert.Equal((1, "sharpbpf: prog load: map idx '5' not used\n"), (exit, stderr));
            Assert.False(File.Exists(Path.Combine(dir, "x")));
        }
        finally
        {
            Remove(dir);
        }
    }

    [Fact]
    public void Type_overrides_the_section_for_every_program()
    {
        string dir = PinDir("type");
        try
        {
            Directory.CreateDirectory(dir);
            string path = Path.Combine(dir, "p");
            // Every program as a socket filter: xdp_count's two u32 context reads pass for __sk_buff's,
            // tracepoint_openat's 8-byte read of its arguments does not.
            var (exit, _, stderr) = CliRunner.Run("prog", "load", Fixture("prog_types"), path, "type", "socket");
            Assert.Equal(1, exit);
            Assert.StartsWith("sharpbpf: prog load: load program 'tracepoint_openat': the verifier rejected the program at insn ", stderr, StringComparison.Ordinal);
            Assert.Equal(1, stderr.Count(c => c == '\n'));
            (exit, _, stderr) = CliRunner.Run("prog", "load", Fixture("prog_types"), path, "type", "nonsense");
            Assert.Equal((2, "sharpbpf: prog load: failed to guess program type from ELF section 'nonsense'\n"), (exit, stderr));
            Assert.False(File.Exists(path));
        }
        finally
        {
            Remove(dir);
        }
    }

    [Fact]
    public void A_rejected_program_is_one_line_and_debug_prints_the_verifier_log()
    {
        string dir = PinDir("reject");
        using var temp = new TempDir();
        try
        {
            Directory.CreateDirectory(dir);
            string source = temp.File("bad.s", "r0 = *(u32 *)(r1 + 4096)\nexit\n");
            string obj = Path.Combine(temp.Path, "bad.o");
            var asm = CliRunner.Run("asm", source, "--format", "elf", "--section", "xdp", "--name", "bad_xdp", "-o", obj);
            Assert.True(asm.Exit == 0, asm.Err);

            string path = Path.Combine(dir, "bad");
            var (exit, stdout, stderr) = CliRunner.Run("prog", "load", obj, path);
            Assert.Equal(1, exit);
            Assert.Equal("", stdout);
            Assert.Equal("sharpbpf: prog load: load program 'bad_xdp': the verifier rejected the program at insn 0: invalid bpf_context access off=4096 size=4 (EACCES)\n", stderr);

            (exit, _, stderr) = CliRunner.Run("prog", "load", obj, path, "-d");
            Assert.Equal(1, exit);
            Assert.Contains("0: (61) r0 = *(u32 *)(r1 +4096)", stderr, StringComparison.Ordinal);
            Assert.EndsWith("sharpbpf: prog load: load program 'bad_xdp': the verifier rejected the program at insn 0: invalid bpf_context access off=4096 size=4 (EACCES)\n", stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(path));
        }
        finally
        {
            Remove(dir);
        }
    }

    [Fact]
    public void Debug_prints_the_loader_log_and_verifier_logs()
    {
        string dir = PinDir("debug");
        try
        {
            Directory.CreateDirectory(dir);
            var (exit, _, stderr) = CliRunner.Run("prog", "load", Fixture("ksyms"), Path.Combine(dir, "p"), "-d");
            Assert.True(exit == 0, stderr);
            Assert.Contains("loader: program 'switch_runqueues': not loaded (section '?tp_btf/sched_switch' starts with '?')\n", stderr, StringComparison.Ordinal);
            Assert.Contains("loader: extern (kfunc) 'bpf_task_acquire': vmlinux [", stderr, StringComparison.Ordinal);
            Assert.Contains("-- BEGIN PROG LOAD LOG: fork_kfuncs --", stderr, StringComparison.Ordinal);
            Assert.Contains("processed ", stderr, StringComparison.Ordinal);
            Assert.Equal("fork_kfuncs", BpftoolJson("prog", "show", "pinned", Path.Combine(dir, "p")).GetProperty("name").GetString());
        }
        finally
        {
            Remove(dir);
        }
    }

    [Fact]
    public void Usage_errors_exit_2_and_missing_objects_exit_1()
    {
        RequireKernel();
        Assert.Equal((1, "", "sharpbpf: /nonexistent/x.o: no such file\n"), CliRunner.Run("prog", "load", "/nonexistent/x.o", "/sys/fs/bpf/never"));
        var (exit, _, stderr) = CliRunner.Run("prog", "loadall", Fixture("prog_types"), "/sys/fs/bpf/never", "bogus");
        Assert.Equal(2, exit);
        Assert.Equal("sharpbpf: prog loadall: expected no more arguments, 'type', 'map', 'dev', 'pinmaps' or 'autoattach', got: 'bogus'?\n", stderr);
        Assert.Equal(2, CliRunner.Run("prog", "load", Fixture("prog_types")).Exit);
        Assert.False(Directory.Exists("/sys/fs/bpf/never"));
    }

    [Fact]
    public void Loadall_autoattach_pins_links_where_the_section_says_and_programs_elsewhere()
    {
        string dir = PinDir("autoattach");
        try
        {
            var (exit, _, stderr) = CliRunner.Run("prog", "loadall", Fixture("prog_types"), dir, "autoattach");
            Assert.True(exit == 0, stderr);
            Assert.Contains("Program xdp_count does not support autoattach, falling back to pinning\n", stderr, StringComparison.Ordinal);
            foreach (var name in new[] { "tracepoint_openat", "tp_exec", "raw_tracepoint_sys_enter", "raw_tp_sched_switch" })
            {
                var link = BpftoolJson("link", "show", "pinned", Path.Combine(dir, name));
                uint progId = link.GetProperty("prog_id").GetUInt32();
                Assert.Equal(name, BpftoolJson("prog", "show", "id", progId.ToString()).GetProperty("name").GetString());
            }
            Assert.Equal("xdp_count", BpftoolJson("prog", "show", "pinned", Path.Combine(dir, "xdp_count")).GetProperty("name").GetString());
        }
        finally
        {
            Remove(dir);
        }
    }
}
