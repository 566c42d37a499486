using System.Globalization;
using System.Text.RegularExpressions;

namespace SharpBpf.Linux;

/// <summary>
/// Reads the verifier's log: the index of the instruction it stopped at and its error line.
/// The verifier prints each instruction it checks as <c>12: (85) call bpf_map_lookup_elem#1</c>
/// (kernel/bpf/verifier.c, do_check via print_bpf_insn), then the error, then statistics.
/// </summary>
internal static partial class VerifierLog
{
    /// <summary>The failing instruction (the last one printed, else one the error names) and the error line.</summary>
    public static (int? Index, string? Reason) FindError(string log)
    {
        var lines = log.Split('\n');
        string? reason = null;
        int reasonLine = lines.Length;
        for (int i = lines.Length - 1; i >= 0; i--)
        {
            var line = lines[i].TrimEnd();
            if (line.Length == 0 || IsTrailer(line))
                continue;
            reason = line.Trim();
            reasonLine = i;
            break;
        }
        for (int i = reasonLine; i >= 0 && i < lines.Length; i--)
        {
            var m = InsnLine().Match(lines[i]);
            if (m.Success)
                return (int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture), reason);
        }
        if (reason is not null && InsnNumber().Match(reason) is { Success: true } n)
            return (int.Parse(n.Groups[1].ValueSpan, CultureInfo.InvariantCulture), reason);
        return (null, reason);
    }

    // What the verifier prints after the error: statistics (print_verification_stats) and source lines.
    private static bool IsTrailer(string line) =>
        line.StartsWith("processed ", StringComparison.Ordinal) ||
        line.StartsWith("verification time ", StringComparison.Ordinal) ||
        line.StartsWith("stack depth ", StringComparison.Ordinal) ||
        line.StartsWith("max_states_per_insn ", StringComparison.Ordinal) ||
        line.StartsWith("-- END PROG LOAD LOG --", StringComparison.Ordinal);

    [GeneratedRegex(@"^(\d+): \([0-9a-f]{2}\)")]
    private static partial Regex InsnLine();

    [GeneratedRegex(@"\binsn #?(\d+)")]
    private static partial Regex InsnNumber();
}
