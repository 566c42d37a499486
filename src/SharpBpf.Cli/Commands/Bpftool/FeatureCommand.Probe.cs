using System.CommandLine;
using System.Text;
using SharpBpf.Linux.Features;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary><c>sharpbpf feature probe [kernel] [full] [macros [prefix PREFIX]]</c>: bpftool's grammar and output.</summary>
internal static partial class FeatureCommand
{
    static partial void AddProbe(Command feature)
    {
        var args = new Argument<string[]>("ARGS")
        {
            Description = "[kernel] [full] [macros [prefix PREFIX]]",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var probe = new Command("probe",
            "Probe the running kernel's eBPF features by loading programs and creating maps, and print them as bpftool does: " +
            "system configuration, program, map and attach types, helpers per program type, miscellaneous features. " +
            "'full' also probes the helpers whose probe writes to the kernel log; 'macros' prints C macros. With -d, " +
            "every feature that is not available is explained on stderr.") { args };
        probe.SetAction(p => Run(p, p.GetValue(args) ?? []));
        feature.Subcommands.Add(probe);
    }

    private static int Run(ParseResult parse, string[] arguments)
    {
        var a = new BpftoolArgs(arguments, "feature probe");
        bool component = false, full = false;
        string? prefix = null;
        while (!a.AtEnd)
        {
            if (a.Accept("kernel"))
            {
                if (component)
                    throw new CliError("feature probe: component to probe already specified", 2);
                component = true;
            }
            else if (a.Accept("dev"))
            {
                throw new CliError("feature probe: probing a device (dev NAME, hardware offload) is not supported; probe the kernel", 2);
            }
            else if (a.Accept("full"))
            {
                full = true;
            }
            else if (prefix is null && a.Accept("macros"))
            {
                prefix = "";
            }
            else if (a.Accept("prefix"))
            {
                if (prefix is null)
                    throw new CliError("feature probe: 'prefix' argument can only be use after 'macros'", 2);
                if (prefix.Length > 0)
                    throw new CliError("feature probe: 'prefix' already defined", 2);
                prefix = a.Next("a macro prefix");
            }
            else if (a.Accept("unprivileged"))
            {
                throw new CliError("feature probe: unprivileged probing is not supported; run as root", 2);
            }
            else
            {
                throw new CliError($"feature probe: expected no more arguments, 'kernel', 'dev', 'macros' or 'prefix', got: '{a.Peek}'?", 2);
            }
        }
        // bpftool (feature.c, handle_perms, built without libcap): probes answer "not permitted"
        // for everything without the capabilities, which would read as missing features.
        if (!Environment.IsPrivilegedProcess)
            throw new CliError("feature probe: full feature probing requires root privileges");

        bool json = GlobalOptions.WantsJson(parse);
        var report = KernelFeatures.ProbeAll(full);
        if (!json && report.ConfigProblem is { } problem)
            Console.Error.WriteLine($"skipping kernel config, {problem}");
        var format = json ? FeatureOutputFormat.Json : prefix is not null ? FeatureOutputFormat.Macros : FeatureOutputFormat.Plain;
        using (var stdout = new StreamWriter(StandardOutput.Open(), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" })
            FeatureReportPrinter.Print(report, stdout, format, GlobalOptions.WantsPretty(parse), prefix ?? "");
        if (parse.GetValue(GlobalOptions.Debug))
            Explain(report);
        return 0;
    }

    // -d: how each feature that is not available was probed and what the kernel answered.
    private static void Explain(FeatureReport report)
    {
        var error = Console.Error;
        foreach (var r in report.ProgramTypes.Concat(report.MapTypes).Concat(report.AttachTypes).Concat(report.Misc))
        {
            if (r.IsSupported)
                continue;
            error.WriteLine($"{r.Feature}: {r.Status}{(r.IsProbeFailure ? " (PROBE FAILURE: this kernel must have it)" : "")}");
            error.WriteLine($"  probe: {r.Method}");
            if (r.Detail is not null)
                error.WriteLine($"  kernel: {r.Detail}");
        }
        foreach (var h in report.Helpers)
        {
            if (h.Status != FeatureStatus.Supported || h.Detail is not null)
                error.WriteLine($"helpers of {FeatureCatalog.NameOf(h.ProgramType)} programs: {h.Status}{(h.Detail is null ? "" : ": " + h.Detail)}");
        }
        error.WriteLine($"probed in {report.Elapsed.TotalMilliseconds:F0} ms");
    }
}
