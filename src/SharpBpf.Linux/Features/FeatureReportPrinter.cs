using System.Globalization;
using System.Text;
using SharpBpf.Linux.Printing;

namespace SharpBpf.Linux.Features;

/// <summary>
/// Prints a <see cref="FeatureReport"/> as bpftool 7.1 does (tools/bpf/bpftool/feature.c): the same
/// sections, sentences, macro names and JSON keys, in the same order. Beyond bpftool: program,
/// map and attach types and helpers it does not know, a section of attach types, more
/// miscellaneous features and kernel options, and, on lines that say "NOT available", the
/// reason when it is not plain absence (an unset option, a refusal, an undecidable probe).
/// tests/data/features/bpftool-differences.txt lists each difference.
/// </summary>
public static class FeatureReportPrinter
{
    /// <summary>bpftool 7.1's kernel options (probe_kernel_image_config), in its order; CONFIG_HZ is the one macros print.</summary>
    public static IReadOnlyList<string> BpftoolConfigOptions { get; } =
    [
        "CONFIG_BPF", "CONFIG_BPF_SYSCALL", "CONFIG_HAVE_EBPF_JIT", "CONFIG_BPF_JIT", "CONFIG_BPF_JIT_ALWAYS_ON",
        "CONFIG_DEBUG_INFO_BTF", "CONFIG_DEBUG_INFO_BTF_MODULES", "CONFIG_CGROUPS", "CONFIG_CGROUP_BPF",
        "CONFIG_CGROUP_NET_CLASSID", "CONFIG_SOCK_CGROUP_DATA", "CONFIG_BPF_EVENTS", "CONFIG_KPROBE_EVENTS",
        "CONFIG_UPROBE_EVENTS", "CONFIG_TRACING", "CONFIG_FTRACE_SYSCALLS", "CONFIG_FUNCTION_ERROR_INJECTION",
        "CONFIG_BPF_KPROBE_OVERRIDE", "CONFIG_NET", "CONFIG_XDP_SOCKETS", "CONFIG_LWTUNNEL_BPF", "CONFIG_NET_ACT_BPF",
        "CONFIG_NET_CLS_BPF", "CONFIG_NET_CLS_ACT", "CONFIG_NET_SCH_INGRESS", "CONFIG_XFRM", "CONFIG_IP_ROUTE_CLASSID",
        "CONFIG_IPV6_SEG6_BPF", "CONFIG_BPF_LIRC_MODE2", "CONFIG_BPF_STREAM_PARSER", "CONFIG_NETFILTER_XT_MATCH_BPF",
        "CONFIG_BPFILTER", "CONFIG_BPFILTER_UMH", "CONFIG_TEST_BPF", "CONFIG_HZ",
    ];

    /// <summary>The options the requirement table (<see cref="FeatureRequirements"/>) names that bpftool does not print; printed after its list.</summary>
    public static IReadOnlyList<string> ExtraConfigOptions { get; } =
    [
        "CONFIG_BPF_LSM", "CONFIG_NETFILTER_BPF_LINK", "CONFIG_INET", "CONFIG_PERF_EVENTS", "CONFIG_FPROBE",
        "CONFIG_UPROBES", "CONFIG_NETKIT", "CONFIG_KALLSYMS", "CONFIG_MMU", "CONFIG_64BIT",
    ];

    /// <summary>Prints <paramref name="report"/>; <paramref name="macroPrefix"/> prefixes every macro name (bpftool's <c>prefix</c>).</summary>
    public static void Print(FeatureReport report, TextWriter output, FeatureOutputFormat format, bool pretty = false, string macroPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(macroPrefix);
        var p = new Printer(report, output, format, pretty, macroPrefix);
        p.Run();
    }

    private sealed class Printer(FeatureReport report, TextWriter output, FeatureOutputFormat format, bool pretty, string prefix)
    {
        private readonly BpftoolJsonWriter _json = new(output, pretty);

        private bool IsJson => format == FeatureOutputFormat.Json;

        private bool IsMacros => format == FeatureOutputFormat.Macros;

        public void Run()
        {
            if (IsJson)
                _json.StartObject();
            SystemConfig();
            StartSection("syscall_config", "Scanning system call availability...", "/*** System call availability ***/");
            Bool("have_bpf_syscall", "bpf() syscall", "BPF_SYSCALL", report.HaveBpfSyscall, null);
            EndSection();
            if (report.HaveBpfSyscall)
            {
                TypeSection("program_types", "Scanning eBPF program types...", "/*** eBPF program types ***/", report.ProgramTypes, "program_type", "prog_type");
                TypeSection("map_types", "Scanning eBPF map types...", "/*** eBPF map types ***/", report.MapTypes, "map_type", "map_type");
                TypeSection("attach_types", "Scanning eBPF attach types...", "/*** eBPF attach types ***/", report.AttachTypes, "attach_type", "attach_type");
                Helpers();
                StartSection("misc", "Scanning miscellaneous eBPF features...", "/*** eBPF misc features ***/");
                foreach (var r in report.Misc)
                    Bool("have_" + r.Name, r.Feature, r.Name.ToUpperInvariant(), r.IsSupported, r);
                EndSection();
            }
            if (IsJson)
            {
                _json.EndObject();
                _json.Finish();
            }
        }

        private void SystemConfig()
        {
            StartSection("system_config", "Scanning system configuration...", "/*** Misc kernel config items ***/");
            var s = report.Settings;
            if (!IsMacros && s.ProcMounted)
            {
                Sysctl("unprivileged_bpf_disabled", s.UnprivilegedBpfDisabled, v => v switch
                {
                    0 => "bpf() syscall for unprivileged users is enabled",
                    1 => "bpf() syscall restricted to privileged users (without recovery)",
                    2 => "bpf() syscall restricted to privileged users (admin can change)",
                    -1 => "Unable to retrieve required privileges for bpf() syscall",
                    _ => $"bpf() syscall restriction has unknown value {v}",
                });
                Sysctl("bpf_jit_enable", s.JitEnable, v => v switch
                {
                    0 => "JIT compiler is disabled",
                    1 => "JIT compiler is enabled",
                    2 => "JIT compiler is enabled with debugging traces in kernel logs",
                    -1 => "Unable to retrieve JIT-compiler status",
                    _ => $"JIT-compiler status has unknown value {v}",
                });
                Sysctl("bpf_jit_harden", s.JitHarden, v => v switch
                {
                    0 => "JIT compiler hardening is disabled",
                    1 => "JIT compiler hardening is enabled for unprivileged users",
                    2 => "JIT compiler hardening is enabled for all users",
                    -1 => "Unable to retrieve JIT hardening status",
                    _ => $"JIT hardening status has unknown value {v}",
                });
                Sysctl("bpf_jit_kallsyms", s.JitKallsyms, v => v switch
                {
                    0 => "JIT compiler kallsyms exports are disabled",
                    1 => "JIT compiler kallsyms exports are enabled for root",
                    -1 => "Unable to retrieve JIT kallsyms export status",
                    _ => $"JIT kallsyms exports status has unknown value {v}",
                });
                Sysctl("bpf_jit_limit", s.JitLimit, v => v == -1
                    ? "Unable to retrieve global memory limit for JIT compiler for unprivileged users"
                    : $"Global memory limit for JIT compiler for unprivileged users is {v} bytes");
            }
            foreach (var option in BpftoolConfigOptions.Concat(ExtraConfigOptions))
            {
                // bpftool's macros print only the options useful in BPF C code (macro_dump): CONFIG_HZ.
                if (IsMacros && option != "CONFIG_HZ")
                    continue;
                string? value = report.Config?[option];
                if (IsJson)
                {
                    // bpftool's print_kernel_option wants strtol to stop at a '\n' it already
                    // trimmed, so every value comes out as a string.
                    if (value is null)
                        _json.NullField(option);
                    else
                        _json.StringField(option, value);
                }
                else if (IsMacros)
                {
                    output.Write(value is null ? $"/* {prefix}{option} is not set */\n" : $"#define {prefix}{option} {value}\n");
                }
                else
                {
                    output.Write(value is null ? $"{option} is not set\n" : $"{option} is set to {value}\n");
                }
            }
            EndSection();
        }

        private void Sysctl(string key, long value, Func<long, string> text)
        {
            if (IsJson)
                _json.IntField(key, value);
            else
                output.Write(text(value) + "\n");
        }

        private void TypeSection(string jsonTitle, string title, string comment, IReadOnlyList<FeatureProbeResult> results, string plain, string define)
        {
            StartSection(jsonTitle, title, comment);
            foreach (var r in results)
                Bool($"have_{r.Name}_{define}", $"eBPF {plain} {r.Name}", $"{r.Name}_{define}".ToUpperInvariant(), r.IsSupported, r);
            EndSection();
        }

        private void Helpers()
        {
            StartSection("helpers", "Scanning eBPF helper functions...", "/*** eBPF helper functions ***/");
            if (IsMacros)
            {
                output.Write(string.Create(CultureInfo.InvariantCulture,
                    $"/*\n * Use {prefix}HAVE_PROG_TYPE_HELPER(prog_type_name, helper_name)\n * to determine if <helper_name> is available for <prog_type_name>,\n * e.g.\n *\t#if {prefix}HAVE_PROG_TYPE_HELPER(xdp, bpf_redirect)\n *\t\t// do stuff with this helper\n *\t#elif\n *\t\t// use a workaround\n *\t#endif\n */\n#define {prefix}HAVE_PROG_TYPE_HELPER(prog_type, helper)\t\\\n\t{prefix}BPF__PROG_TYPE_ ## prog_type ## __HELPER_ ## helper\n"));
            }
            foreach (var h in report.Helpers)
            {
                string type = FeatureCatalog.NameOf(h.ProgramType);
                if (IsJson)
                {
                    _json.Name(type + "_available_helpers");
                    _json.StartArray();
                    foreach (int id in h.Helpers)
                        _json.String(FeatureCatalog.HelperName(id));
                    _json.EndArray();
                }
                else if (IsMacros)
                {
                    var text = new StringBuilder();
                    foreach (int id in FeatureCatalog.HelperIds)
                    {
                        if (!report.IncludesNoisyHelpers && FeatureCatalog.IsNoisyHelper(id))
                            continue;
                        text.Append(CultureInfo.InvariantCulture, $"#define {prefix}BPF__PROG_TYPE_{type}__HELPER_{FeatureCatalog.HelperName(id)} {(h.Includes(id) ? 1 : 0)}\n");
                    }
                    output.Write(text.ToString());
                }
                else
                {
                    var text = new StringBuilder();
                    text.Append(CultureInfo.InvariantCulture, $"eBPF helpers supported for program type {type}:");
                    foreach (int id in h.Helpers)
                        text.Append("\n\t- ").Append(FeatureCatalog.HelperName(id));
                    text.Append('\n');
                    if (h.Helpers.Count == 0)
                    {
                        text.Append(h.Status switch
                        {
                            FeatureStatus.NotSupported => "\tProgram type not supported" + Reason(report.ProgramTypes.First(r => r.Name == type)),
                            _ => "\tCould not determine which helpers are available" + (h.Detail is null ? "" : $" ({h.Detail})"),
                        });
                        text.Append('\n');
                    }
                    output.Write(text.ToString());
                }
            }
            EndSection();
        }

        private void StartSection(string jsonTitle, string title, string comment)
        {
            if (IsJson)
            {
                _json.Name(jsonTitle);
                _json.StartObject();
            }
            else
            {
                output.Write((IsMacros ? comment : title) + "\n");
            }
        }

        private void EndSection()
        {
            if (IsJson)
                _json.EndObject();
            else
                output.Write('\n');
        }

        // bpftool's print_bool_feature, with the reason for "NOT available" when there is more to say.
        private void Bool(string key, string plain, string define, bool value, FeatureProbeResult? result)
        {
            if (IsJson)
                _json.BoolField(key, value);
            else if (IsMacros)
                output.Write($"#define {prefix}{(value ? "" : "NO_")}HAVE_{define}\n");
            else
                output.Write($"{plain} is {(value ? "" : "NOT ")}available{(value || result is null ? "" : Reason(result))}\n");
        }

        /// <summary>" (reason)" for a result that is not plain absence, else "".</summary>
        private string Reason(FeatureProbeResult r)
        {
            if (r.Status == FeatureStatus.Supported)
                return "";
            if (r.Status == FeatureStatus.NotSupported && report.Config is { } config && r.Requirement.MissingConfig(config).ToArray() is { Length: > 0 } missing)
                return $" ({string.Join(", ", missing)} {(missing.Length == 1 ? "is" : "are")} not set)";
            return r.Status switch
            {
                FeatureStatus.Denied => " (refused by this kernel: EPERM)",
                FeatureStatus.Unknown => $" (could not be probed: {r.Detail})",
                _ when r.Detail is { } d && d.StartsWith("the kernel knows", StringComparison.Ordinal) => $" ({d})",
                _ => "",
            };
        }
    }
}
