using System.Globalization;

namespace SharpBpf.Bench;

/// <summary>uBPF's and Linux's reference figures for one program, from ../shared/bench/README.md.</summary>
/// <param name="Program">The program name (<c>arith_loop (1e6)</c> becomes <c>arith_loop</c>).</param>
/// <param name="Instructions">Instructions executed per run, as uBPF counted them.</param>
/// <param name="UbpfInterpNs">uBPF interpreter, median ns/run.</param>
/// <param name="UbpfInterpNsPerInsn">uBPF interpreter, ns per instruction.</param>
/// <param name="UbpfJitNs">uBPF JIT, median ns/run.</param>
/// <param name="LinuxJitNs">Linux JIT, median ns/run, or null when the kernel rejected the program.</param>
public sealed record PeerResult(string Program, long Instructions, double UbpfInterpNs, double UbpfInterpNsPerInsn, double UbpfJitNs, double? LinuxJitNs)
{
    /// <summary>The heading of the table that is read.</summary>
    public const string TableHeading = "## Results (median of 10 repetitions)";

    /// <summary>
    /// Parses the markdown table under <see cref="TableHeading"/>. Columns are found by their
    /// header text, so reordering the README's columns does not break this.
    /// </summary>
    public static IReadOnlyDictionary<string, PeerResult> Parse(string readme)
    {
        var lines = readme.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int h = lines.FindIndex(l => l.Trim().Equals(TableHeading, StringComparison.Ordinal));
        if (h < 0)
            throw new InvalidDataException($"no '{TableHeading}' heading");
        int header = lines.FindIndex(h, l => l.TrimStart().StartsWith('|'));
        if (header < 0)
            throw new InvalidDataException($"no table under '{TableHeading}'");
        var columns = Cells(lines[header]);
        int Column(string name, int after = -1)
        {
            for (int i = after + 1; i < columns.Length; i++)
                if (columns[i].Equals(name, StringComparison.OrdinalIgnoreCase))
                    return i;
            throw new InvalidDataException($"the results table has no '{name}' column");
        }
        int program = Column("program"), insns = Column("insns");
        int interp = Column("ubpf interp ns/run"), interpPerInsn = Column("ns/insn", interp);
        int jit = Column("ubpf JIT ns/run"), linux = Column("Linux JIT ns/run");

        var results = new Dictionary<string, PeerResult>(StringComparer.Ordinal);
        for (int i = header + 2; i < lines.Count && lines[i].TrimStart().StartsWith('|'); i++)
        {
            var cells = Cells(lines[i]);
            string name = cells[program].Split(' ')[0];
            results[name] = new PeerResult(name, (long)Number(cells[insns])!.Value, Number(cells[interp])!.Value,
                Number(cells[interpPerInsn])!.Value, Number(cells[jit])!.Value, Number(cells[linux]));
        }
        return results;
    }

    private static string[] Cells(string row) => [.. row.Trim().Trim('|').Split('|').Select(c => c.Trim())];

    /// <summary>A figure in ns: <c>1,301</c>, <c>27.5</c>, <c>40.3 ms</c>, <c>12 µs</c>; null for <c>rejected</c> or a dash.</summary>
    internal static double? Number(string cell)
    {
        var parts = cell.Replace(",", "", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            return null;
        string unit = parts.Length > 1 ? parts[1] : "ns";
        return unit switch
        {
            "s" => v * 1e9,
            "ms" => v * 1e6,
            "µs" or "us" => v * 1e3,
            _ => v,
        };
    }
}
