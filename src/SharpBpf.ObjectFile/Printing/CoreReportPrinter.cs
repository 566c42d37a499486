using System.Globalization;
using SharpBpf.ObjectFile.CoRe;
using SharpBpf.ObjectFile.Text;

namespace SharpBpf.ObjectFile.Printing;

/// <summary>
/// <c>sharpbpf obj core</c>: every CO-RE relocation of an object with its local access and
/// value and what the target BTF gives, as an aligned table or as JSON.
/// </summary>
public static class CoreReportPrinter
{
    private static readonly string[] Header = ["PROGRAM", "RELO", "INSN", "KIND", "LOCAL ACCESS", "LOCAL", "TARGET", "TARGET ACCESS / WHY"];

    // Right-aligned columns: numbers.
    private static readonly bool[] RightAligned = [false, true, true, false, false, true, true, false];

    /// <summary>Writes the text table: a summary line, then one row per relocation.</summary>
    public static void Text(CoreReport report, TextWriter w)
    {
        string name = report.ObjectPath is null ? "object" : Path.GetFileName(report.ObjectPath);
        int n = report.Relocations.Count;
        if (n == 0)
        {
            w.WriteLine($"{name}: no CO-RE relocations");
            return;
        }
        w.Write($"{name}: {n} CO-RE relocation{(n == 1 ? "" : "s")}");
        if (report.Target is not null)
            w.Write($" against {report.Target}");
        w.WriteLine($": {Summary(report)}");
        w.WriteLine();

        var rows = new List<string[]> { Header };
        foreach (var r in report.Relocations)
        {
            rows.Add(
            [
                r.Program,
                r.Index.ToString(CultureInfo.InvariantCulture),
                r.Instruction.ToString(CultureInfo.InvariantCulture),
                CoreNames.Of(r.Kind),
                r.LocalAccess,
                r.LocalValue.ToString(CultureInfo.InvariantCulture),
                TargetCell(r),
                Detail(r),
            ]);
        }
        var widths = new int[Header.Length];
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++)
                widths[c] = Math.Max(widths[c], row[c].Length);
        }
        foreach (var row in rows)
        {
            var line = new System.Text.StringBuilder();
            for (int c = 0; c < row.Length; c++)
            {
                if (c > 0)
                    line.Append("  ");
                bool last = c == row.Length - 1;
                line.Append(RightAligned[c] ? row[c].PadLeft(widths[c]) : last ? row[c] : row[c].PadRight(widths[c]));
            }
            w.WriteLine(line.ToString().TrimEnd());
        }
        if (!report.CanLoad)
        {
            int bad = report.Count(CoreOutcome.Ambiguous) + report.Count(CoreOutcome.Failed);
            w.WriteLine();
            w.WriteLine($"libbpf would refuse to load {name}: {bad} relocation{(bad == 1 ? " is" : "s are")} ambiguous or failed");
        }
    }

    /// <summary>Writes the report as JSON (compact, or pretty as bpftool -p).</summary>
    public static void Json(CoreReport report, Utf8Output output, bool pretty)
    {
        var w = new JsonWriter(output, pretty);
        w.StartObject();
        if (report.ObjectPath is not null)
            w.Field("object", Path.GetFileName(report.ObjectPath));
        if (report.Target is not null)
            w.Field("target", report.Target);
        w.Field("relocated", (ulong)report.Count(CoreOutcome.Relocated));
        w.Field("not_found", (ulong)report.Count(CoreOutcome.NotFound));
        w.Field("poisoned", (ulong)report.Count(CoreOutcome.Poisoned));
        w.Field("ambiguous", (ulong)report.Count(CoreOutcome.Ambiguous));
        w.Field("failed", (ulong)report.Count(CoreOutcome.Failed));
        w.Field("can_load", report.CanLoad);
        w.Name("relocations");
        w.StartArray();
        foreach (var r in report.Relocations)
        {
            w.StartObject();
            w.Field("program", r.Program);
            w.Field("section", r.Section);
            w.Field("relo", (long)r.Index);
            w.Field("insn", (long)r.Instruction);
            w.Field("kind", CoreNames.Of(r.Kind));
            w.Field("local_type_id", (ulong)r.LocalTypeId.Value);
            w.Field("local_type", r.LocalType);
            w.Field("access_string", r.AccessString);
            w.Field("local_access", r.LocalAccess);
            w.Field("local_value", r.LocalValue);
            w.Field("outcome", OutcomeName(r.Outcome));
            if (r.TargetValue is { } value)
                w.Field("target_value", value);
            if (!r.TargetTypeId.IsVoid)
            {
                w.Field("target_type_id", (ulong)r.TargetTypeId.Value);
                w.Field("target_type", r.TargetType ?? "");
                w.Field("target_access", r.TargetAccess ?? "");
                if (r.TargetAccessString is not null)
                    w.Field("target_access_string", r.TargetAccessString);
            }
            if (r.Reason is not null)
                w.Field("reason", r.Reason);
            w.Field("candidates", (ulong)r.Candidates);
            w.Field("patch", PatchName(r.Patch));
            if (r.AccessSize is { } size)
                w.Field("access_size", (ulong)size);
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
        w.Finish();
    }

    /// <summary>"40 relocated, 6 not found, 6 poisoned" (ambiguous and failed only when there are some).</summary>
    public static string Summary(CoreReport report)
    {
        var parts = new List<string>
        {
            $"{report.Count(CoreOutcome.Relocated)} relocated",
            $"{report.Count(CoreOutcome.NotFound)} not found",
            $"{report.Count(CoreOutcome.Poisoned)} poisoned",
        };
        if (report.Count(CoreOutcome.Ambiguous) is var a and > 0)
            parts.Add($"{a} ambiguous");
        if (report.Count(CoreOutcome.Failed) is var f and > 0)
            parts.Add($"{f} failed");
        return string.Join(", ", parts);
    }

    /// <summary>The outcome as the report names it.</summary>
    public static string OutcomeName(CoreOutcome outcome) => outcome switch
    {
        CoreOutcome.Relocated => "relocated",
        CoreOutcome.NotFound => "not_found",
        CoreOutcome.Poisoned => "poisoned",
        CoreOutcome.Ambiguous => "ambiguous",
        _ => "failed",
    };

    private static string PatchName(CorePatchKind patch) => patch switch
    {
        CorePatchKind.Immediate => "imm",
        CorePatchKind.Offset => "off",
        CorePatchKind.Immediate64 => "imm64",
        CorePatchKind.Poison => "poison",
        _ => "none",
    };

    private static string TargetCell(CoreRelocationResult r) => r.Outcome switch
    {
        CoreOutcome.Relocated or CoreOutcome.NotFound => r.TargetValue!.Value.ToString(CultureInfo.InvariantCulture),
        CoreOutcome.Poisoned => "poison",
        CoreOutcome.Ambiguous => "ambiguous",
        _ => "error",
    };

    private static string Detail(CoreRelocationResult r)
    {
        switch (r.Outcome)
        {
            case CoreOutcome.Relocated when r.Kind == Btf.CoreRelocationKind.TypeIdLocal:
                return "(the object's own type id)";
            case CoreOutcome.Relocated:
                string target = $"[{r.TargetTypeId}] {r.TargetAccess}";
                return r.AccessSize is { } size ? $"{target} ({size}-byte access)" : target;
            case CoreOutcome.NotFound:
                return $"not found: {r.Reason}";
            case CoreOutcome.Poisoned when !r.TargetTypeId.IsVoid:
                return $"[{r.TargetTypeId}] {r.TargetAccess}: {r.Reason}";
            case CoreOutcome.Poisoned:
                return $"not found: {r.Reason}";
            default:
                return r.Reason ?? "";
        }
    }
}
