using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SharpBpf.Core;
using SharpBpf.Linux;
using SharpBpf.Linux.Features;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Cli.Tests;

/// <summary>
/// <c>sharpbpf feature probe</c> beside <c>bpftool feature probe</c> on this machine: both outputs
/// become facts (section, key, value), every fact that differs must be explained by a rule of
/// tests/data/features/bpftool-differences.txt, and every rule must explain something. Removed
/// helper lines are checked one by one: our probe must have the verifier's word that the program
/// type may not call the helper. With SHARPBPF_FEATURE_DIFFERENCES=write the test rewrites the
/// counts and appends what no rule explains, for a person to give a reason.
/// </summary>
public sealed class FeatureDifferencesTests
{
    private static string TablePath => Path.Combine(TestPaths.Data, "features", "bpftool-differences.txt");

    /// <summary>One line of output as a fact: its kind ("program_type", "helper", ...), key and value.</summary>
    internal readonly record struct Fact(string Kind, string Key, string Value);

    /// <summary>A difference: '+' only ours, '-' only bpftool's, '~' both with other values.</summary>
    internal readonly record struct Difference(char Change, string Kind, string Key, string Theirs, string Ours)
    {
        public override string ToString() => Change switch
        {
            '+' => $"+ {Kind} {Key}" + (Ours.Length > 0 ? $" ({Ours})" : ""),
            '-' => $"- {Kind} {Key}" + (Theirs.Length > 0 ? $" ({Theirs})" : ""),
            _ => $"~ {Kind} {Key} : {Theirs} -> {Ours}",
        };
    }

    private sealed class Rule(char change, string kind, Regex key, Regex? theirs, Regex? ours, int count, string reason, string text)
    {
        public char Change => change;
        public string Kind => kind;
        public int Count => count;
        public string Reason => reason;
        public string Text => text;
        public int Matched { get; set; }

        public bool Explains(Difference d) => d.Change == change && d.Kind == kind && key.IsMatch(d.Key) &&
            (theirs is null || theirs.IsMatch(d.Theirs)) && (ours is null || ours.IsMatch(d.Ours));
    }

    /// <summary>Parses <c>feature probe</c>'s text into facts (sections, options, types, helpers per type, misc).</summary>
    internal static List<Fact> Facts(string text)
    {
        var facts = new List<Fact>();
        string? section = null, helperType = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
                continue;
            if (line.StartsWith("Scanning ", StringComparison.Ordinal))
            {
                section = line;
                facts.Add(new("section", line, ""));
            }
            else if (section == "Scanning system configuration...")
            {
                int at = line.IndexOf(" is ", StringComparison.Ordinal);
                facts.Add(line.StartsWith("CONFIG_", StringComparison.Ordinal) && at > 0 ? new("config", line[..at], line[(at + 4)..]) : new("sysctl", line, ""));
            }
            else if (section == "Scanning system call availability...")
            {
                facts.Add(new("syscall", line, ""));
            }
            else if (line.StartsWith("eBPF helpers supported for program type ", StringComparison.Ordinal))
            {
                helperType = line["eBPF helpers supported for program type ".Length..].TrimEnd(':');
                facts.Add(new("helper_type", helperType, ""));
            }
            else if (line.StartsWith("\t- ", StringComparison.Ordinal))
            {
                facts.Add(new("helper", helperType + "/" + line[3..], ""));
            }
            else if (line.StartsWith('\t'))
            {
                facts.Add(new("helper_note", helperType!, line.Trim()));
            }
            else if (line.StartsWith("eBPF ", StringComparison.Ordinal))
            {
                var words = line.Split(' ', 5);
                facts.Add(new(words[1], words[2], words.Length > 4 ? words[4] : ""));
            }
            else
            {
                int at = line.IndexOf(" is ", StringComparison.Ordinal);
                facts.Add(at > 0 ? new("misc", line[..at], line[(at + 4)..]) : new("misc", line, ""));
            }
        }
        return facts;
    }

    internal static List<Difference> Compare(string theirs, string ours)
    {
        var a = Facts(theirs).ToDictionary(f => (f.Kind, f.Key), f => f.Value);
        var b = Facts(ours).ToDictionary(f => (f.Kind, f.Key), f => f.Value);
        var result = new List<Difference>();
        foreach (var (k, v) in a)
        {
            if (!b.TryGetValue(k, out var w))
                result.Add(new('-', k.Kind, k.Key, v, ""));
            else if (v != w)
                result.Add(new('~', k.Kind, k.Key, v, w));
        }
        foreach (var (k, w) in b)
        {
            if (!a.ContainsKey(k))
                result.Add(new('+', k.Kind, k.Key, "", w));
        }
        return result;
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$");

    private static Regex Alternatives(string pattern) => new("^(?:" + string.Join("|", pattern.Split('|').Select(p => Glob(p.Trim()).ToString()[1..^1])) + ")$");

    // "<change> <kind> <key glob>[ : <bpftool value> -> <our value>] | <count> | <reason>"; '+' and '-' rules name one value.
    private static (List<Rule> Rules, string Kernel, string Bpftool) ReadTable()
    {
        var rules = new List<Rule>();
        string kernel = "", bpftool = "";
        foreach (var raw in File.ReadAllLines(TablePath))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("# kernel ", StringComparison.Ordinal))
                kernel = line["# kernel ".Length..];
            else if (line.StartsWith("# bpftool ", StringComparison.Ordinal))
                bpftool = line["# bpftool ".Length..];
            if (line.Length == 0 || line[0] == '#')
                continue;
            var parts = line.Split(" | ", 3);
            Assert.True(parts.Length == 3, $"bad rule (want 'change kind key | count | reason'): {line}");
            var head = parts[0];
            Regex? theirs = null, ours = null;
            int colon = head.IndexOf(" : ", StringComparison.Ordinal);
            if (colon > 0)
            {
                var values = head[(colon + 3)..].Split(" -> ");
                head = head[..colon];
                // '~' compares both values; '-' and '+' name the one line's value.
                if (values.Length == 2)
                    (theirs, ours) = (Glob(values[0]), Glob(values[1]));
                else if (head[0] == '-')
                    theirs = Glob(values[0]);
                else
                    ours = Glob(values[0]);
            }
            var words = head.Split(' ', 3);
            Assert.True(words.Length == 3 && words[0].Length == 1 && "+-~?".Contains(words[0][0], StringComparison.Ordinal), $"bad rule: {line}");
            rules.Add(new Rule(words[0][0], words[1], Alternatives(words[2]), theirs, ours,
                int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2], line));
        }
        return (rules, kernel, bpftool);
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

    [Fact]
    public void Every_difference_from_bpftool_is_explained_by_the_table()
    {
        FeatureProbeTests.RequireRoot();
        string bpftoolVersion;
        try
        {
            var (exit, version, _) = Bpftool("version");
            bpftoolVersion = exit == 0 ? version.Split('\n')[0].Trim() : "";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("bpftool is not installed: nothing to compare `feature probe` with (./test.sh installs it)");
            return;
        }
        var (rules, tableKernel, tableBpftool) = ReadTable();
        string kernel = LinuxKernel.Version.ToString(2);
        bool write = Environment.GetEnvironmentVariable("SHARPBPF_FEATURE_DIFFERENCES") == "write";
        if (!write && (tableKernel != kernel || tableBpftool != bpftoolVersion))
        {
            Assert.Skip($"the table lists the differences of Linux {tableKernel} and {tableBpftool}; this is Linux {kernel} with " +
                $"{bpftoolVersion}: run with SHARPBPF_FEATURE_DIFFERENCES=write to make one for it");
        }

        var theirs = Bpftool("feature", "probe");
        Assert.True(theirs.Exit == 0, "bpftool feature probe: " + theirs.Err);
        var ours = CliRunner.Run("feature", "probe");
        Assert.True(ours.Exit == 0, "sharpbpf feature probe: " + ours.Err);
        var differences = Compare(theirs.Out, ours.Out);

        var unexplained = new List<Difference>();
        var wrong = new List<string>();
        foreach (var d in differences)
        {
            var rule = rules.FirstOrDefault(r => r.Change != '?' && r.Explains(d));
            if (rule is null)
            {
                unexplained.Add(d);
                continue;
            }
            rule.Matched++;
            // A helper bpftool lists and we do not: the verifier must have said so, for this very pair.
            if (d.Change == '-' && d.Kind == "helper")
            {
                var (type, helper) = (d.Key.Split('/')[0], d.Key.Split('/')[1]);
                var programType = FeatureCatalog.ProgramTypes.Single(t => FeatureCatalog.NameOf(t) == type);
                var answer = KernelFeatures.ProbeHelper(programType, HelperIds.IdOf(helper));
                if (answer.Status != FeatureStatus.NotSupported || answer.Detail?.Contains("may not call it", StringComparison.Ordinal) != true)
                    wrong.Add($"{d}: our probe answered {answer}");
            }
        }
        if (write)
        {
            Rewrite(rules, unexplained, kernel, bpftoolVersion);
            return;
        }
        var stale = rules.Where(r => r.Change != '?' && r.Matched == 0).Select(r => r.Text).ToArray();
        var miscounted = rules.Where(r => r.Matched > 0 && r.Matched != r.Count).Select(r => $"{r.Text}  (explains {r.Matched} lines now)").ToArray();
        var report = new StringBuilder();
        if (unexplained.Count > 0)
            report.AppendLine($"{unexplained.Count} differences no rule explains:").AppendJoin('\n', unexplained.Take(50)).AppendLine();
        if (stale.Length > 0)
            report.AppendLine("rules that explain nothing (the difference is gone: remove them):").AppendJoin('\n', stale).AppendLine();
        if (miscounted.Length > 0)
            report.AppendLine("rules whose count changed:").AppendJoin('\n', miscounted).AppendLine();
        if (wrong.Count > 0)
            report.AppendLine("helpers we leave out without the verifier's word:").AppendJoin('\n', wrong.Take(50)).AppendLine();
        Assert.True(report.Length == 0, report.ToString());
        TestContext.Current.TestOutputHelper?.WriteLine($"{differences.Count} differences, all explained by {rules.Count} rules");
    }

    [Fact]
    public void Json_differs_from_bpftools_only_where_the_text_does()
    {
        FeatureProbeTests.RequireRoot();
        (int Exit, string Out, string Err) theirs;
        try
        {
            theirs = Bpftool("-j", "feature", "probe");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("bpftool is not installed: nothing to compare `feature probe -j` with (./test.sh installs it)");
            return;
        }
        Assert.True(theirs.Exit == 0, "bpftool -j feature probe: " + theirs.Err);
        var text = Compare(Bpftool("feature", "probe").Out, CliRunner.Run("feature", "probe").Out)
            .Select(d => (d.Kind, d.Key)).ToHashSet();
        using var a = JsonDocument.Parse(theirs.Out);
        using var b = JsonDocument.Parse(CliRunner.Run("-j", "feature", "probe").Out);
        var problems = new List<string>();
        foreach (var section in a.RootElement.EnumerateObject())
        {
            if (!b.RootElement.TryGetProperty(section.Name, out var ours))
            {
                problems.Add($"no section {section.Name}");
                continue;
            }
            foreach (var field in section.Value.EnumerateObject())
            {
                if (!ours.TryGetProperty(field.Name, out var value))
                    problems.Add($"{section.Name}.{field.Name} is missing");
                else if (value.ValueKind != field.Value.ValueKind && !(IsBool(value) && IsBool(field.Value)))
                    problems.Add($"{section.Name}.{field.Name} is {value.ValueKind}, bpftool's {field.Value.ValueKind}");
                else if (IsBool(value) && value.GetBoolean() != field.Value.GetBoolean())
                {
                    // have_<name>_prog_type / _map_type: the text must differ (and be explained) too.
                    string kind = section.Name == "program_types" ? "program_type" : section.Name == "map_types" ? "map_type" : section.Name;
                    string name = field.Name["have_".Length..field.Name.LastIndexOf(kind == "map_type" ? "_map_type" : "_prog_type", StringComparison.Ordinal)];
                    if (!text.Contains((kind, name)))
                        problems.Add($"{section.Name}.{field.Name} differs from bpftool's, but the text does not");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        static bool IsBool(JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False;
    }

    private static void Rewrite(List<Rule> rules, List<Difference> unexplained, string kernel, string bpftool)
    {
        var output = new StringBuilder();
        foreach (var raw in File.ReadAllLines(TablePath))
        {
            if (raw.StartsWith("# kernel ", StringComparison.Ordinal))
                output.Append("# kernel ").Append(kernel).Append('\n');
            else if (raw.StartsWith("# bpftool ", StringComparison.Ordinal))
                output.Append("# bpftool ").Append(bpftool).Append('\n');
            else if (raw.Length == 0 || raw[0] == '#')
                output.Append(raw).Append('\n');
            else if (rules.FirstOrDefault(r => r.Text == raw.TrimEnd()) is { } rule && rule.Change != '?' && rule.Matched > 0)
            {
                var parts = raw.Split(" | ", 3);
                output.Append(parts[0]).Append(" | ").Append(rule.Matched).Append(" | ").Append(parts[2]).Append('\n');
            }
        }
        foreach (var d in unexplained)
            output.Append($"? {d.Kind} {d.Key} | 1 | ({d})\n");
        File.WriteAllText(TablePath, output.ToString());
    }
}
