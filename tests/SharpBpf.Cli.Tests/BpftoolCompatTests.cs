using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Cli.Tests;

/// <summary>
/// sharpbpf's bpftool commands beside bpftool 7.1 itself, on objects in the kernel: programs of
/// tests/data/objects/subprogs.o loaded by bpftool (sub-programs, func_info, line_info, a BTF
/// map) and maps of several types made by sharpbpf. Every test pins under its own bpffs folder
/// and removes it. Skipped where bpftool or bpf(2) is not available.
/// </summary>
public sealed class BpftoolCompatTests : IDisposable
{
    private readonly string _dir = $"/sys/fs/bpf/sharpbpf-cli-test-{Environment.ProcessId}-{Guid.NewGuid():N}";

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    private static (int Exit, string Out, string Err) Bpftool(params string[] args)
    {
        var psi = new ProcessStartInfo("bpftool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static void RequireBpftool()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/fdinfo/0"))
            Assert.Skip("needs Linux");
        try
        {
            var (exit, output, _) = Bpftool("version");
            if (exit != 0 || !output.Contains("bpftool v7.", StringComparison.Ordinal))
                Assert.Skip("needs bpftool 7.x");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("needs bpftool on PATH");
        }
        if (Bpftool("map", "show").Exit != 0)
            Assert.Skip("bpf(2) is not permitted here (run as root)");
    }

    /// <summary>Loads subprogs.o with bpftool, pinning its three programs; returns their pins.</summary>
    private string[] LoadSubprogs()
    {
        RequireBpftool();
        Directory.CreateDirectory(_dir);
        string obj = Path.Combine(TestPaths.Data, "objects", "subprogs.o");
        var load = Bpftool("prog", "loadall", obj, Path.Combine(_dir, "progs"));
        Assert.True(load.Exit == 0, load.Err);
        return Directory.GetFiles(Path.Combine(_dir, "progs")).Order(StringComparer.Ordinal).ToArray();
    }

    private static void SameAsBpftool(params string[] args)
    {
        var ours = CliRunner.Run(args);
        var theirs = Bpftool(args);
        Assert.True(theirs.Exit == 0, $"bpftool {string.Join(' ', args)}: {theirs.Err}");
        Assert.True(ours.Exit == 0, $"sharpbpf {string.Join(' ', args)}: {ours.Err}");
        Assert.Equal(theirs.Out, ours.Out);
    }

    /// <summary>Every field bpftool prints, with the same value (pids come from /proc and are left out).</summary>
    private static void SameJson(string ours, string theirs)
    {
        using var a = JsonDocument.Parse(ours);
        using var b = JsonDocument.Parse(theirs);
        Same(b.RootElement, a.RootElement, "$");
    }

    private static void Same(JsonElement expected, JsonElement actual, string path)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: {expected.ValueKind} vs {actual.ValueKind}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var names = expected.EnumerateObject().Select(p => p.Name).Where(n => n != "pids").ToList();
                Assert.Equal(names, actual.EnumerateObject().Select(p => p.Name).Where(n => n != "pids").ToList());
                foreach (var name in names)
                    Same(expected.GetProperty(name), actual.GetProperty(name), path + "." + name);
                break;
            case JsonValueKind.Array:
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                for (int i = 0; i < expected.GetArrayLength(); i++)
                    Same(expected[i], actual[i], $"{path}[{i}]");
                break;
            default:
                Assert.True(expected.GetRawText() == actual.GetRawText(), $"{path}: {expected.GetRawText()} vs {actual.GetRawText()}");
                break;
        }
    }

    [Fact]
    public void Prog_show_matches_bpftool_in_text_and_json()
    {
        foreach (var pin in LoadSubprogs())
        {
            SameAsBpftool("prog", "show", "pinned", pin);
            SameAsBpftool("-f", "prog", "show", "pinned", pin);
            SameAsBpftool("-p", "prog", "show", "pinned", pin);
            var ours = CliRunner.Run("prog", "show", "pinned", pin, "-j");
            var theirs = Bpftool("prog", "show", "pinned", pin, "-j");
            SameJson(ours.Out, theirs.Out);
            Assert.Contains("\"map_ids\":[", theirs.Out, StringComparison.Ordinal);
            Assert.Contains("\"btf_id\":", ours.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Prog_dump_xlated_matches_bpftool_with_lines_functions_and_opcodes()
    {
        foreach (var pin in LoadSubprogs())
        {
            SameAsBpftool("prog", "dump", "xlated", "pinned", pin);
            SameAsBpftool("prog", "dump", "xlated", "pinned", pin, "linum");
            SameAsBpftool("prog", "dump", "xlated", "pinned", pin, "opcodes");
            SameAsBpftool("-j", "prog", "dump", "xlated", "pinned", pin);
            SameAsBpftool("-p", "prog", "dump", "xlated", "pinned", pin, "linum");
        }
        var text = CliRunner.Run("prog", "dump", "xlated", "pinned", Path.Combine(_dir, "progs", "socket_subprogs")).Out;
        Assert.StartsWith("int socket_subprogs(struct __sk_buff * skb):\n; int socket_subprogs(struct __sk_buff *skb)\n   0: (bf) r6 = r1\n", text, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\(85\) call pc\+\d+#bpf_prog_[0-9a-f]{16}_bucket_of\n"), text);
        Assert.Contains("int bucket_of(const struct pkt_info * info):\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Prog_dump_jited_lists_each_function_in_objdump_layout()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            Assert.Skip("x86-64 JIT images only");
        string pin = LoadSubprogs().Single(p => p.EndsWith("socket_subprogs", StringComparison.Ordinal));
        var (exit, text, err) = CliRunner.Run("prog", "dump", "jited", "pinned", pin);
        Assert.True(exit == 0, err);
        var lines = text.Split('\n');
        Assert.Equal("int socket_subprogs(struct __sk_buff * skb):", lines[0]);
        Assert.Matches(new Regex("^bpf_prog_[0-9a-f]{16}_socket_subprogs:$"), lines[1]);
        Assert.Equal("; int socket_subprogs(struct __sk_buff *skb)", lines[2]);
        Assert.Equal("   0:\tnopl   0x0(%rax,%rax,1)", lines[3]);
        Assert.Contains("int bucket_of(const struct pkt_info * info):\n", text, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\n +[0-9a-f]+:\tleave\s*\n"), text);
        var json = CliRunner.Run("-j", "prog", "dump", "jited", "pinned", pin, "opcodes").Out;
        using var doc = JsonDocument.Parse(json);
        var first = doc.RootElement[0];
        Assert.Equal("int socket_subprogs(struct __sk_buff * skb)", first.GetProperty("proto").GetString());
        var insn = first.GetProperty("insns")[0];
        Assert.Equal("0x0", insn.GetProperty("pc").GetString());
        Assert.Equal("nopl", insn.GetProperty("operation").GetString());
        Assert.Equal(["0x0f", "0x1f", "0x44", "0x00", "0x00"], insn.GetProperty("opcodes").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public void Map_commands_match_bpftool_on_several_map_types()
    {
        RequireBpftool();
        Directory.CreateDirectory(_dir);
        string P(string name) => Path.Combine(_dir, name);
        void Ok(params string[] args)
        {
            var r = CliRunner.Run(args);
            Assert.True(r.Exit == 0, $"sharpbpf {string.Join(' ', args)}: {r.Err}");
        }
        Ok("map", "create", P("hash"), "type", "hash", "key", "4", "value", "8", "entries", "16", "name", "cli_hash", "flags", "1");
        Ok("map", "create", P("pcpu"), "type", "percpu_array", "key", "4", "value", "12", "entries", "4", "name", "cli_pcpu");
        Ok("map", "create", P("lru"), "type", "lru_percpu_hash", "key", "8", "value", "20", "entries", "8", "name", "cli_lru");
        Ok("map", "create", P("inner"), "type", "array", "key", "4", "value", "4", "entries", "2", "name", "cli_inner");
        Ok("map", "create", P("outer"), "type", "array_of_maps", "key", "4", "value", "4", "entries", "4", "name", "cli_outer", "inner_map", "pinned", P("inner"));
        Ok("map", "create", P("wide"), "type", "hash", "key", "20", "value", "40", "entries", "4", "name", "cli_wide");
        Ok("map", "update", "pinned", P("hash"), "key", "1", "0", "0", "0", "value", "1", "2", "3", "4", "5", "6", "7", "8");
        Ok("map", "update", "pinned", P("hash"), "key", "hex", "a", "b", "c", "d", "value", "hex", "ff", "fe", "0x10", "0", "0", "0", "0", "1", "noexist");
        Ok("map", "update", "pinned", P("pcpu"), "key", "2", "0", "0", "0", "value", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
        Ok("map", "update", "pinned", P("lru"), "key", "1", "2", "3", "4", "5", "6", "7", "8", "value", "0x41", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0");
        Ok("map", "update", "pinned", P("outer"), "key", "3", "0", "0", "0", "value", "pinned", P("inner"));
        Ok(["map", "update", "pinned", P("wide"), "key", .. Enumerable.Range(1, 20).Select(i => i.ToString()), "value", .. Enumerable.Range(1, 40).Select(i => i.ToString())]);
        Assert.NotEqual(0, CliRunner.Run("map", "update", "pinned", P("hash"), "key", "1", "0", "0", "0", "value", "1", "2", "3", "4", "5", "6", "7", "8", "noexist").Exit);

        foreach (var name in new[] { "hash", "pcpu", "lru", "inner", "outer", "wide" })
        {
            SameAsBpftool("map", "show", "pinned", P(name));
            SameAsBpftool("map", "dump", "pinned", P(name));
            SameAsBpftool("-p", "map", "dump", "pinned", P(name));
            SameJson(CliRunner.Run("-j", "map", "show", "pinned", P(name)).Out, Bpftool("-j", "map", "show", "pinned", P(name)).Out);
            SameJson(CliRunner.Run("-j", "map", "dump", "pinned", P(name)).Out, Bpftool("-j", "map", "dump", "pinned", P(name)).Out);
        }
        SameAsBpftool("-f", "map", "show", "pinned", P("hash"));
        SameAsBpftool("map", "lookup", "pinned", P("hash"), "key", "1", "0", "0", "0");
        SameAsBpftool("-j", "map", "lookup", "pinned", P("pcpu"), "key", "2", "0", "0", "0");
        SameAsBpftool("map", "getnext", "pinned", P("hash"));
        SameAsBpftool("-j", "map", "getnext", "pinned", P("hash"));
        SameAsBpftool("map", "getnext", "pinned", P("pcpu"), "key", "1", "0", "0", "0");
        var missing = CliRunner.Run("map", "lookup", "pinned", P("hash"), "key", "9", "9", "9", "9");
        Assert.Equal("key:\n09 09 09 09\n\nNot found\n", missing.Out);
        Ok("map", "delete", "pinned", P("hash"), "key", "1", "0", "0", "0");
        Ok("map", "freeze", "pinned", P("inner"));
        SameAsBpftool("map", "show", "pinned", P("inner"));
        Assert.Contains("frozen", CliRunner.Run("map", "show", "pinned", P("inner")).Out, StringComparison.Ordinal);
        Ok("map", "pin", "pinned", P("hash"), P("hash2"));
        SameAsBpftool("-f", "-j", "map", "show", "pinned", P("hash2"));
    }

    [Fact]
    public void Btf_map_dump_and_btf_commands_match_bpftool()
    {
        var pins = LoadSubprogs();
        using var show = JsonDocument.Parse(Bpftool("-j", "prog", "show", "pinned", pins[0]).Out);
        string mapId = show.RootElement.GetProperty("map_ids")[0].GetRawText();
        string btfId = show.RootElement.GetProperty("btf_id").GetRawText();
        Assert.Equal(0, CliRunner.Run("map", "update", "id", mapId, "key", "3", "0", "0", "0", "value", "42", "0", "0", "0", "0", "0", "0", "1").Exit);
        SameAsBpftool("map", "dump", "id", mapId);
        SameAsBpftool("-p", "map", "dump", "id", mapId);
        SameAsBpftool("map", "lookup", "id", mapId, "key", "3", "0", "0", "0");
        SameJson(CliRunner.Run("-j", "map", "dump", "id", mapId).Out, Bpftool("-j", "map", "dump", "id", mapId).Out);
        Assert.Contains("\"formatted\":{\"key\":3,\"value\":72057594037927978}", CliRunner.Run("-j", "map", "dump", "id", mapId).Out, StringComparison.Ordinal);
        SameAsBpftool("btf", "show", "id", btfId);
        SameAsBpftool("-j", "btf", "show", "id", btfId);
        // The whole list changes as other tests load objects: compare this object's entry and vmlinux's.
        foreach (var id in new[] { btfId, "1" })
        {
            string Entry(string list) => list.Split('\n').Single(l => l.StartsWith(id + ": ", StringComparison.Ordinal));
            Assert.Equal(Entry(Bpftool("btf", "list").Out), Entry(CliRunner.Run("btf", "list").Out));
        }
        SameAsBpftool("btf", "dump", "id", btfId);
        SameAsBpftool("btf", "dump", "id", btfId, "format", "c");
    }

    /// <summary>
    /// bpftool's short read-only commands start on a fast path that skips the command tree
    /// (BpftoolFastPath); with long options (and --debug, which these commands ignore) they go through the
    /// tree. Both ways print the same, errors included.
    /// </summary>
    [Fact]
    public void The_start_up_fast_path_and_the_command_tree_print_the_same()
    {
        var pins = LoadSubprogs();
        using var show = JsonDocument.Parse(Bpftool("-j", "prog", "show", "pinned", pins[0]).Out);
        string mapId = show.RootElement.GetProperty("map_ids")[0].GetRawText();
        string btfId = show.RootElement.GetProperty("btf_id").GetRawText();
        string[][] commands =
        [
            ["prog", "show", "pinned", pins[0]],
            ["-j", "prog", "show", "pinned", pins[1]],
            ["-p", "-f", "prog", "list", "pinned", pins[2]],
            ["map", "show", "id", mapId],
            ["map", "dump", "id", mapId, "-j"],
            ["btf", "show", "id", btfId],
            ["-p", "btf", "list", "id", btfId],
            ["prog", "show", "id", "4294967295"],
            ["map", "show", "name"],
            ["link", "show", "id", "4294967295"],
        ];
        static string Long(string a) => a switch { "-j" => "--json", "-p" => "--pretty", "-f" => "--bpffs", _ => a };
        foreach (var args in commands)
        {
            Assert.NotNull(Commands.Bpftool.BpftoolFastPath.TryParse(args));
            string[] tree = ["--debug", .. args.Select(Long)];
            Assert.Null(Commands.Bpftool.BpftoolFastPath.TryParse(tree));
            var a = CliRunner.Run(args);
            var b = CliRunner.Run(tree);
            Assert.True(a.Out.Length > 0 || a.Err.Length > 0, string.Join(' ', args));
            Assert.Equal((a.Exit, a.Out, a.Err), (b.Exit, b.Out, b.Err));
        }
        foreach (var other in new[] { new[] { "prog", "show", "--help" }, ["prog", "load"], ["prog"], ["map", "dump"], ["-jp", "prog", "show"], ["prog", "show", "@args"] })
            Assert.Null(Commands.Bpftool.BpftoolFastPath.TryParse(other));
    }

    /// <summary>
    /// The issue's "must show": objects that sharpbpf itself loaded (<c>prog loadall</c> of
    /// prog_types.o, <c>prog load core_task.o ... autoattach</c>, whose tp_btf program becomes a
    /// pinned link) look the same through sharpbpf and through bpftool: prog show, map show,
    /// map dump and link show, in text, <c>-j</c> field by field and <c>-p</c>.
    /// </summary>
    [Fact]
    public void Objects_sharpbpf_loads_and_attaches_look_the_same_through_bpftool()
    {
        RequireBpftool();
        Directory.CreateDirectory(_dir);
        string all = Path.Combine(_dir, "x"), linkPin = Path.Combine(_dir, "y");
        string Obj(string name) => Path.Combine(TestPaths.Data, "objects", name + ".o");
        var loadall = CliRunner.Run("prog", "loadall", Obj("prog_types"), all);
        Assert.True(loadall.Exit == 0, loadall.Err);
        var load = CliRunner.Run("prog", "load", Obj("core_task"), linkPin, "autoattach");
        Assert.True(load.Exit == 0, load.Err);

        using var link = JsonDocument.Parse(Bpftool("-j", "link", "show", "pinned", linkPin).Out);
        Assert.Equal("raw_tracepoint", link.RootElement.GetProperty("type").GetString());
        Assert.Equal("sched_process_exec", link.RootElement.GetProperty("tp_name").GetString());
        string linkId = link.RootElement.GetProperty("id").GetRawText();
        string progId = link.RootElement.GetProperty("prog_id").GetRawText();
        var progs = Directory.GetFiles(all).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(11, progs.Length);

        var mapIds = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var prog in progs.Select(p => new[] { "pinned", p }).Append(["id", progId]))
        {
            SameAsBpftool(["prog", "show", .. prog]);
            SameAsBpftool(["-p", "prog", "show", .. prog]);
            var theirs = Bpftool(["-j", "prog", "show", .. prog]).Out;
            SameJson(CliRunner.Run(["-j", "prog", "show", .. prog]).Out, theirs);
            using var show = JsonDocument.Parse(theirs);
            foreach (var id in show.RootElement.GetProperty("map_ids").EnumerateArray())
                mapIds.Add(id.GetRawText());
        }
        // prog_types' counters (an array with BTF) and core_task's task_events (a ring buffer).
        Assert.Equal(2, mapIds.Count);
        foreach (var id in mapIds)
        {
            SameAsBpftool("map", "show", "id", id);
            SameJson(CliRunner.Run("-j", "map", "show", "id", id).Out, Bpftool("-j", "map", "show", "id", id).Out);
            // A ring buffer has no elements to walk: both print "Found 0 elements" (or []) and
            // fail, bpftool with -ENOMEM's low byte as its exit code, sharpbpf with 1.
            foreach (var dump in new[] { new[] { "map", "dump", "id", id }, ["-p", "map", "dump", "id", id], ["-j", "map", "dump", "id", id] })
            {
                var ours = CliRunner.Run(dump);
                var theirs = Bpftool(dump);
                Assert.Equal(theirs.Exit == 0, ours.Exit == 0);
                if (dump[0] == "-j")
                    SameJson(ours.Out, theirs.Out);
                else
                    Assert.Equal(theirs.Out, ours.Out);
            }
        }
        foreach (var which in new[] { new[] { "pinned", linkPin }, ["id", linkId] })
        {
            SameAsBpftool(["link", "show", .. which]);
            SameAsBpftool(["-f", "link", "show", .. which]);
            SameAsBpftool(["-p", "link", "show", .. which]);
            SameJson(CliRunner.Run(["-j", "link", "show", .. which]).Out, Bpftool(["-j", "link", "show", .. which]).Out);
        }
        SameAsBpftool("prog", "dump", "xlated", "id", progId, "linum");
        SameAsBpftool("prog", "dump", "xlated", "pinned", Path.Combine(all, "tracepoint_openat"), "linum");
        Assert.Contains("[file:./core_task.c line_num:", CliRunner.Run("prog", "dump", "xlated", "id", progId, "linum").Out, StringComparison.Ordinal);
        var jited = CliRunner.Run("prog", "dump", "jited", "id", progId);
        Assert.True(jited.Exit == 0, jited.Err);
        Assert.Matches(new Regex(@"\n +0:\tnopl   0x0\(%rax,%rax,1\)\n"), jited.Out);

        // Removing the pins releases everything: the link detaches with its last reference
        // (bpffs frees its inodes after an RCU grace period and bpf_link_put defers, so wait a little).
        Directory.Delete(_dir, recursive: true);
        var clock = Stopwatch.StartNew();
        while (Bpftool("prog", "show", "id", progId).Exit == 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
            Thread.Sleep(50);
        Assert.NotEqual(0, Bpftool("link", "show", "id", linkId).Exit);
        Assert.NotEqual(0, CliRunner.Run("prog", "show", "id", progId).Exit);
    }

    [Fact]
    public void Prog_run_reports_as_bpftool()
    {
        string pin = LoadSubprogs().Single(p => p.EndsWith("xdp_subprogs", StringComparison.Ordinal));
        string packet = Path.Combine(_dir, "..", Path.GetFileName(_dir) + ".pkt");
        packet = Path.Combine(Path.GetTempPath(), Path.GetFileName(_dir) + ".pkt");
        File.WriteAllBytes(packet, Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());
        try
        {
            var ours = CliRunner.Run("prog", "run", "pinned", pin, "data_in", packet, "data_out", "-", "repeat", "3");
            var theirs = Bpftool("prog", "run", "pinned", pin, "data_in", packet, "data_out", "-", "repeat", "3");
            Assert.Equal(0, ours.Exit);
            string Strip(string s) => Regex.Replace(s, @"duration \(average\): \d+ns", "duration (average): Nns");
            Assert.Equal(Strip(theirs.Out), Strip(ours.Out));
            Assert.Matches(new Regex(@"Return value: \d+, duration \(average\): \d+ns\n$"), ours.Out);
            using var json = JsonDocument.Parse(CliRunner.Run("-j", "prog", "run", "pinned", pin, "data_in", packet).Out);
            Assert.True(json.RootElement.TryGetProperty("retval", out _));
            Assert.True(json.RootElement.TryGetProperty("duration", out _));
        }
        finally
        {
            File.Delete(packet);
        }
    }
}
