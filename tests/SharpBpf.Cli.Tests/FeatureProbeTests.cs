using System.Text.Json;
using System.Text.RegularExpressions;
using SharpBpf.Linux.Features;
using Xunit;

namespace SharpBpf.Cli.Tests;

/// <summary>
/// <c>sharpbpf feature probe</c>: bpftool's text layout, its JSON (-j, -p) and macros, and its
/// argument grammar, on the running kernel.
/// </summary>
public sealed class FeatureProbeTests
{
    private static readonly string[] Sections =
    [
        "Scanning system configuration...", "Scanning system call availability...", "Scanning eBPF program types...",
        "Scanning eBPF map types...", "Scanning eBPF attach types...", "Scanning eBPF helper functions...",
        "Scanning miscellaneous eBPF features...",
    ];

    /// <summary>Feature probing needs root (bpftool refuses without); skips elsewhere, with the reason.</summary>
    internal static void RequireRoot()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Skip("feature probing is Linux's");
        if (!Environment.IsPrivilegedProcess)
            Assert.Skip("feature probing needs root (CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN)");
        if (!File.Exists("/sys/kernel/btf/vmlinux") && !Directory.Exists("/sys/fs/bpf"))
            Assert.Skip("this kernel has no BPF");
    }

    private static string Probe(params string[] args)
    {
        var (exit, output, error) = CliRunner.Run(["feature", "probe", .. args]);
        Assert.True(exit == 0, $"feature probe {string.Join(' ', args)}: exit {exit}: {error}");
        return output;
    }

    [Fact]
    public void Text_has_bpftools_sections_and_sentences()
    {
        RequireRoot();
        var text = Probe();
        var lines = text.Split('\n');
        // Every section, in order, each closed by an empty line.
        var headers = lines.Where(l => l.StartsWith("Scanning ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(Sections, headers);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
        foreach (var header in Sections.Skip(1))
            Assert.Equal("", lines[Array.IndexOf(lines, header) - 1]);

        string Section(string header) => text.Split(header + "\n")[1].Split("\n\n")[0];
        var programs = Section("Scanning eBPF program types...").Split('\n');
        Assert.Equal(FeatureCatalog.ProgramTypes.Select(FeatureCatalog.NameOf), programs.Select(l => l.Split(' ')[2]));
        Assert.All(programs, l => Assert.Matches(@"^eBPF program_type [a-z0-9_]+ is (available|NOT available( \(.+\))?)$", l));
        var maps = Section("Scanning eBPF map types...").Split('\n');
        Assert.Equal(FeatureCatalog.MapTypes.Select(FeatureCatalog.NameOf), maps.Select(l => l.Split(' ')[2]));
        Assert.All(maps, l => Assert.Matches(@"^eBPF map_type [a-z0-9_]+ is (available|NOT available( \(.+\))?)$", l));
        var attach = Section("Scanning eBPF attach types...").Split('\n');
        Assert.Equal(FeatureCatalog.AttachTypes.Select(FeatureCatalog.NameOf), attach.Select(l => l.Split(' ')[2]));
        Assert.Contains("eBPF program_type socket_filter is available", programs);
        Assert.Contains("eBPF map_type hash is available", maps);
        Assert.Equal("bpf() syscall is available", Section("Scanning system call availability..."));

        // Helpers: a header per program type, then "\t- name" lines, or one line saying why not.
        var helpers = Section("Scanning eBPF helper functions...").Split('\n');
        var types = helpers.Where(l => l.StartsWith("eBPF helpers supported for program type ", StringComparison.Ordinal))
            .Select(l => l["eBPF helpers supported for program type ".Length..].TrimEnd(':')).ToArray();
        Assert.Equal(FeatureCatalog.ProgramTypes.Select(FeatureCatalog.NameOf), types);
        Assert.All(helpers, l => Assert.Matches(@"^(eBPF helpers supported for program type [a-z0-9_]+:|\t- bpf_[a-z0-9_]+|\t(Program type not supported|Could not determine which helpers are available).*)$", l));
        var xdp = helpers.SkipWhile(l => l != "eBPF helpers supported for program type xdp:").Skip(1).TakeWhile(l => l.StartsWith('\t')).ToArray();
        Assert.Contains("\t- bpf_xdp_adjust_head", xdp);
        Assert.DoesNotContain("\t- bpf_skb_store_bytes", xdp);
        // Not 'full': the helpers whose probe writes to the kernel log are not probed.
        Assert.DoesNotContain("\t- bpf_trace_printk", helpers);

        var misc = Section("Scanning miscellaneous eBPF features...").Split('\n');
        Assert.Equal(["Large program size limit", "Bounded loop support", "ISA extension v2", "ISA extension v3"],
            misc.Take(4).Select(l => l[..l.IndexOf(" is ", StringComparison.Ordinal)]));
        Assert.All(misc, l => Assert.Matches(@"^.+ is (available|NOT available( \(.+\))?)$", l));

        var config = Section("Scanning system configuration...").Split('\n');
        Assert.Matches(@"^(bpf\(\) syscall|Unable to retrieve)", config[0]);
        Assert.Contains(config, l => Regex.IsMatch(l, @"^CONFIG_BPF (is set to y|is not set)$"));
    }

    [Fact]
    public void Json_has_bpftools_keys_and_agrees_with_the_text()
    {
        RequireRoot();
        var compact = Probe("-j");
        Assert.Single(compact.TrimEnd('\n').Split('\n'));
        using var doc = JsonDocument.Parse(compact);
        var root = doc.RootElement;
        Assert.Equal(["system_config", "syscall_config", "program_types", "map_types", "attach_types", "helpers", "misc"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("syscall_config").GetProperty("have_bpf_syscall").GetBoolean());
        var config = root.GetProperty("system_config");
        Assert.Equal(JsonValueKind.Number, config.GetProperty("bpf_jit_enable").ValueKind);
        // bpftool prints every option's value as a string (or null when not set).
        Assert.All(config.EnumerateObject().Where(p => p.Name.StartsWith("CONFIG_", StringComparison.Ordinal)),
            p => Assert.True(p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null, p.Name));
        Assert.Equal(FeatureCatalog.ProgramTypes.Select(t => $"have_{FeatureCatalog.NameOf(t)}_prog_type"),
            root.GetProperty("program_types").EnumerateObject().Select(p => p.Name));
        Assert.Equal(FeatureCatalog.MapTypes.Select(t => $"have_{FeatureCatalog.NameOf(t)}_map_type"),
            root.GetProperty("map_types").EnumerateObject().Select(p => p.Name));
        Assert.Equal(FeatureCatalog.AttachTypes.Select(t => $"have_{FeatureCatalog.NameOf(t)}_attach_type"),
            root.GetProperty("attach_types").EnumerateObject().Select(p => p.Name));
        Assert.Equal(FeatureCatalog.ProgramTypes.Select(t => $"{FeatureCatalog.NameOf(t)}_available_helpers"),
            root.GetProperty("helpers").EnumerateObject().Select(p => p.Name));
        Assert.Equal(FeatureCatalog.MiscFeatures.Select(f => "have_" + FeatureCatalog.NameOf(f)),
            root.GetProperty("misc").EnumerateObject().Select(p => p.Name));

        // The same answers as the text.
        var text = Probe();
        foreach (var p in root.GetProperty("program_types").EnumerateObject())
        {
            string name = p.Name["have_".Length..^"_prog_type".Length];
            Assert.Equal(p.Value.GetBoolean(), text.Contains($"eBPF program_type {name} is available\n", StringComparison.Ordinal));
        }
        var xdp = root.GetProperty("helpers").GetProperty("xdp_available_helpers").EnumerateArray().Select(e => e.GetString()).ToArray();
        var xdpText = text.Split("eBPF helpers supported for program type xdp:")[1].Split("\neBPF")[0]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimStart('\t', '-', ' ')).ToArray();
        Assert.Equal(xdpText, xdp);

        // -p: bpftool's json_writer layout: four spaces, "key": value, arrays of strings on one line.
        var pretty = Probe("-p");
        Assert.StartsWith("{\n    \"system_config\": {\n        \"", pretty, StringComparison.Ordinal);
        Assert.Contains("\n    \"syscall_config\": {\n        \"have_bpf_syscall\": true\n    },\n", pretty, StringComparison.Ordinal);
        Assert.Matches(@"\n        ""socket_filter_available_helpers"": \[""bpf_map_lookup_elem"",""bpf_map_update_elem"",", pretty);
        Assert.EndsWith("\n    }\n}\n", pretty, StringComparison.Ordinal);
        using var prettyDoc = JsonDocument.Parse(pretty);
        Assert.Equal(root.GetRawText(), prettyDoc.RootElement.GetRawText().Replace("\n", "", StringComparison.Ordinal).Replace("    ", "", StringComparison.Ordinal).Replace("\": ", "\":", StringComparison.Ordinal));
    }

    [Fact]
    public void Macros_have_bpftools_names_and_the_prefix()
    {
        RequireRoot();
        var macros = Probe("macros", "prefix", "FOO_");
        var lines = macros.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/*** Misc kernel config items ***/", lines[0]);
        Assert.Matches(@"^(#define FOO_CONFIG_HZ \d+|/\* FOO_CONFIG_HZ is not set \*/)$", lines[1]);
        Assert.Contains("#define FOO_HAVE_BPF_SYSCALL", lines);
        Assert.Contains("#define FOO_HAVE_SOCKET_FILTER_PROG_TYPE", lines);
        Assert.Contains("#define FOO_HAVE_HASH_MAP_TYPE", lines);
        Assert.Contains("#define FOO_HAVE_LARGE_INSN_LIMIT", lines);
        Assert.Contains("#define FOO_BPF__PROG_TYPE_xdp__HELPER_bpf_xdp_adjust_head 1", lines);
        Assert.Contains("#define FOO_BPF__PROG_TYPE_socket_filter__HELPER_bpf_xdp_adjust_head 0", lines);
        Assert.Contains("#define FOO_HAVE_PROG_TYPE_HELPER(prog_type, helper)\t\\", lines);
        Assert.Contains("\tFOO_BPF__PROG_TYPE_ ## prog_type ## __HELPER_ ## helper", lines);
        Assert.All(lines, l => Assert.Matches(@"^(/\*.*|#define FOO_.*| \*.*|\tFOO_BPF__PROG_TYPE_ .*)$", l));
        // One macro per program type and helper (full probes the noisy three as well).
        int perType = FeatureCatalog.HelperIds.Count(id => !FeatureCatalog.IsNoisyHelper(id));
        Assert.Equal(FeatureCatalog.ProgramTypes.Count * perType, lines.Count(l => l.Contains("__HELPER_bpf_", StringComparison.Ordinal) && l.StartsWith("#define", StringComparison.Ordinal)));
        Assert.Contains("#define HAVE_SOCKET_FILTER_PROG_TYPE", Probe("kernel", "macros").Split('\n'));
    }

    [Fact]
    public void Full_also_probes_the_helpers_that_write_to_the_kernel_log()
    {
        RequireRoot();
        var text = Probe("kernel", "full");
        var kprobe = text.Split("eBPF helpers supported for program type kprobe:")[1].Split("\neBPF")[0];
        Assert.Contains("\t- bpf_trace_printk\n", kprobe, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prefix FOO_", "'prefix' argument can only be use after 'macros'")]
    [InlineData("macros prefix A prefix B", "'prefix' already defined")]
    [InlineData("kernel kernel", "component to probe already specified")]
    [InlineData("bogus", "expected no more arguments, 'kernel', 'dev', 'macros' or 'prefix', got: 'bogus'?")]
    [InlineData("dev eth0", "probing a device")]
    public void Bad_arguments_are_usage_errors(string args, string message)
    {
        var (exit, _, error) = CliRunner.Run(["feature", "probe", .. args.Split(' ')]);
        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
