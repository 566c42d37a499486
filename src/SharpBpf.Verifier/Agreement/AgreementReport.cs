using System.Globalization;
using System.Text;

namespace SharpBpf.Verifier.Agreement;

/// <summary>How the two verdicts on one program compare.</summary>
public enum AgreementOutcome
{
    /// <summary>Both accept.</summary>
    BothAccept,

    /// <summary>Both reject.</summary>
    BothReject,

    /// <summary>SharpBpf rejects, the kernel accepts.</summary>
    WeReject,

    /// <summary>SharpBpf accepts, the kernel rejects.</summary>
    WeAccept,
}

/// <summary>One program's two verdicts.</summary>
/// <param name="Case">The program.</param>
/// <param name="Ours">SharpBpf's result (null when the verifier threw: <paramref name="Crash"/>).</param>
/// <param name="Kernel">The kernel's verdict.</param>
/// <param name="Crash">What SharpBpf's verifier threw, which is a bug.</param>
public sealed record AgreementRow(AgreementCase Case, VerificationResult? Ours, ReferenceVerdict Kernel, string? Crash = null)
{
    /// <summary>How the verdicts compare.</summary>
    public AgreementOutcome Outcome => (Ours?.Accepted ?? false, Kernel.Accepted) switch
    {
        (true, true) => AgreementOutcome.BothAccept,
        (false, false) => AgreementOutcome.BothReject,
        (false, true) => AgreementOutcome.WeReject,
        _ => AgreementOutcome.WeAccept,
    };

    /// <summary>Both reject, at the same instruction (the kernel's pc is known).</summary>
    public bool SameInstruction => Outcome == AgreementOutcome.BothReject && Ours!.Errors.Count > 0 && Kernel.Pc == Ours.Errors[0].Pc;

    /// <summary>SharpBpf's verdict in a few words.</summary>
    public string OursText => Crash is not null ? "crashed: " + Crash
        : Ours!.Accepted ? "accepted"
        : Ours.Errors[0].Pc < 0 ? $"{Ours.Errors[0].Id}: {Ours.Errors[0].Message}"
        : string.Create(CultureInfo.InvariantCulture, $"{Ours.Errors[0].Id} at {Ours.Errors[0].Pc - Case.PrologLength}: {Ours.Errors[0].Message}");

    /// <summary>The kernel's verdict in a few words.</summary>
    public string KernelText => Kernel.Accepted ? "accepted"
        : Kernel.Pc is { } pc ? string.Create(CultureInfo.InvariantCulture, $"at {pc - Case.PrologLength}: {Kernel.Reason}") : Kernel.Reason ?? "rejected";
}

/// <summary>
/// The agreement of SharpBpf's verifier with the kernel's on a corpus: counts per corpus, the
/// disagreements with their listed explanations, and the problems: a disagreement not listed, a
/// <c>we-accept</c> whose kernel reason is not of its (non-safety) category, a listed entry that
/// now agrees, and a crash.
/// </summary>
public sealed class AgreementReport
{
    private AgreementReport(IReadOnlyList<AgreementRow> rows, IReadOnlyList<string> problems, Disagreements listed, IReadOnlyList<string> skipped)
    {
        Rows = rows;
        Problems = problems;
        Listed = listed;
        Skipped = skipped;
    }

    /// <summary>Every program's verdicts, in corpus order.</summary>
    public IReadOnlyList<AgreementRow> Rows { get; }

    /// <summary>What makes the run fail; empty when the agreement is as listed.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The listed disagreements.</summary>
    public Disagreements Listed { get; }

    /// <summary>Files of the corpus that are not programs, with the reason.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Verifies every case with SharpBpf and asks <paramref name="kernel"/> for its verdict, then compares.</summary>
    public static AgreementReport Run(IEnumerable<AgreementCase> cases, Func<AgreementCase, ReferenceVerdict> kernel, Disagreements listed,
        IReadOnlyList<string>? skipped = null)
    {
        var rows = new List<AgreementRow>();
        foreach (var c in cases)
        {
            VerificationResult? ours = null;
            string? crash = null;
            try
            {
                ours = c.VerifyOurs();
            }
#pragma warning disable CA1031 // a crash of the verifier is a finding of the run, reported with the others
            catch (Exception e)
#pragma warning restore CA1031
            {
                crash = $"{e.GetType().Name}: {e.Message}";
            }
            rows.Add(new AgreementRow(c, ours, kernel(c), crash));
        }
        return Compare(rows, listed, skipped ?? []);
    }

    /// <summary>Compares verdicts already gathered.</summary>
    public static AgreementReport Compare(IReadOnlyList<AgreementRow> rows, Disagreements listed, IReadOnlyList<string> skipped)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            string name = row.Case.Name;
            seen.Add(name);
            if (row.Crash is not null)
            {
                problems.Add($"{name}: SharpBpf's verifier crashed: {row.Crash}");
                continue;
            }
            listed.Entries.TryGetValue(name, out var entry);
            switch (row.Outcome)
            {
                case AgreementOutcome.BothAccept or AgreementOutcome.BothReject when entry is not null:
                    problems.Add($"{name}: listed as a disagreement (line {entry.Line}) but both verifiers now {(row.Outcome == AgreementOutcome.BothAccept ? "accept" : "reject")} it: remove the line");
                    break;
                case AgreementOutcome.WeReject when entry?.Kind != DisagreementKind.WeReject:
                    problems.Add($"{name}: SharpBpf rejects ({row.OursText}), the kernel accepts; not listed as we-reject");
                    break;
                case AgreementOutcome.WeAccept when entry?.Kind != DisagreementKind.WeAccept:
                    problems.Add($"{name}: SharpBpf accepts, the kernel rejects ({row.KernelText}); not listed as we-accept");
                    break;
                case AgreementOutcome.WeAccept when !Disagreements.NonSafetyCategories[entry!.Category].IsMatch(row.Kernel.Reason ?? ""):
                    problems.Add($"{name}: SharpBpf accepts, the kernel rejects with \"{row.Kernel.Reason}\", which is not a '{entry.Category}' reason: a safety disagreement");
                    break;
            }
        }
        return new AgreementReport(rows, problems, listed, skipped);
    }

    private static readonly string[] GroupOrder = ["conformance", "negative", "objects", "bench", "cases", "generated"];

    /// <summary>Every program's two verdicts (markdown), for reading a run in full.</summary>
    public string ToRowList()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| program | outcome | SharpBpf | kernel |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var r in Rows)
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Case.Name} | {r.Outcome} | {Cell(r.OursText)} | {Cell(r.KernelText)} |");
        return sb.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>The table (markdown): per corpus and in total, then every disagreement with its explanation, then the problems.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("| corpus | programs | both accept | both reject (same insn) | only the kernel accepts | only SharpBpf accepts | agreement |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        var groups = Rows.GroupBy(r => r.Case.Group).OrderBy(g => Array.IndexOf(GroupOrder, g.Key) is var i && i < 0 ? int.MaxValue : i).ThenBy(g => g.Key, StringComparer.Ordinal);
        void Line(string name, IReadOnlyCollection<AgreementRow> rows)
        {
            int Count(AgreementOutcome o) => rows.Count(r => r.Outcome == o && r.Crash is null);
            int agree = Count(AgreementOutcome.BothAccept) + Count(AgreementOutcome.BothReject);
            sb.AppendLine(inv, $"| {name} | {rows.Count} | {Count(AgreementOutcome.BothAccept)} | {Count(AgreementOutcome.BothReject)} ({rows.Count(r => r.SameInstruction)}) | " +
                $"{Count(AgreementOutcome.WeReject)} | {Count(AgreementOutcome.WeAccept)} | {(rows.Count == 0 ? 100 : 100.0 * agree / rows.Count):0.0}% |");
        }
        foreach (var g in groups)
            Line(g.Key, [.. g]);
        Line("**total**", [.. Rows]);
        sb.AppendLine();
        sb.AppendLine("\"same insn\": both reject at the same instruction. The kernel loads as root; SharpBpf verifies with a privileged loader's rules.");
        var disagreements = Rows.Where(r => r.Outcome is AgreementOutcome.WeReject or AgreementOutcome.WeAccept).ToList();
        if (disagreements.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Disagreements:");
            sb.AppendLine();
            foreach (var r in disagreements)
            {
                Listed.Entries.TryGetValue(r.Case.Name, out var e);
                string who = r.Outcome == AgreementOutcome.WeReject ? "only the kernel accepts" : "only SharpBpf accepts";
                sb.AppendLine(inv, $"- `{r.Case.Name}` ({who}, {e?.Category ?? "NOT LISTED"}): {e?.Reason ?? "-"}");
                sb.AppendLine(inv, $"  SharpBpf: {r.OursText}; kernel: {r.KernelText}");
            }
        }
        if (Skipped.Count > 0)
        {
            sb.AppendLine();
            // "name: why": the names say enough here (the negative suite's assembler tests, the bench packet).
            sb.AppendLine(inv, $"Not programs, left out ({Skipped.Count}): {string.Join(", ", Skipped.Select(s => s.IndexOf(": ", StringComparison.Ordinal) is int i and > 0 ? s[..i] : s))}");
        }
        if (Problems.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"PROBLEMS ({Problems.Count}):");
            foreach (var p in Problems)
                sb.AppendLine("- " + p);
        }
        return sb.ToString();
    }
}
