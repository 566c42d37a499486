using System.Globalization;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Formatting;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Verifier.Agreement;

/// <summary>
/// One verifier test case file of tests/data/verifier (PREVAIL's small YAML cases, in the
/// bpf_conformance "-- section" style):
/// <code>
/// # what the case shows
/// -- options         type xdp | privileged | mem-size N | max-loop-iterations N | unroll N
/// -- maps            NAME TYPE key K value V entries E [rdonly]   (lddw of map fd i = the i-th map)
/// -- asm             the program, LLVM syntax (ld_pseudo rX, 1, i for map i)
/// -- expect          accepted | rejected ID at PC
/// -- messages        fragments the explanation must contain, one a line
/// -- kernel          what Linux 6.18 said (recorded for the kernel cross-check, not checked here)
/// </code>
/// </summary>
public sealed class VerifierCase
{
    /// <summary>The file's name.</summary>
    public required string Name { get; init; }

    /// <summary>The program (map references are <c>lddw rX, map_fd</c> with the map's index as the fd).</summary>
    public required Instruction[] Program { get; init; }

    /// <summary>What the program is verified as, its maps included.</summary>
    public required VerifierOptions Options { get; init; }

    /// <summary>The maps as a loader creates them (for the kernel).</summary>
    public IReadOnlyList<MapSpec> MapSpecs { get; init; } = [];

    /// <summary>Whether SharpBpf's verifier must accept the program.</summary>
    public bool ExpectAccepted { get; init; }

    /// <summary>The diagnostic id of the expected rejection.</summary>
    public string? ExpectId { get; init; }

    /// <summary>The pc of the expected rejection, or -1.</summary>
    public int ExpectPc { get; init; } = -1;

    /// <summary>Fragments the explanation must contain.</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];

    /// <summary>What Linux said, as recorded in the file.</summary>
    public string? Kernel { get; init; }

    /// <summary>Whether a file is a case file: text with an <c>-- asm</c> section and no bpf_conformance sections.</summary>
    public static bool IsCaseFile(string path)
    {
        if (!path.EndsWith(".txt", StringComparison.Ordinal) || !File.Exists(path))
            return false;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("-- asm", StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>Reads a case file; throws <see cref="FormatException"/> or the assembler's error on bad input.</summary>
    public static VerifierCase Load(string path)
    {
        var sections = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            if (raw.StartsWith("-- ", StringComparison.Ordinal))
            {
                var head = raw[3..].Trim();
                int sp = head.IndexOf(' ');
                string name = sp < 0 ? head : head[..sp];
                current = sections[name] = [];
                if (sp >= 0)
                    current.Add(head[(sp + 1)..].Trim());
                continue;
            }
            if (current is null || raw.TrimStart().StartsWith('#'))
                continue;
            current.Add(raw);
        }
        var options = new VerifierOptions();
        foreach (var line in sections.GetValueOrDefault("options") ?? [])
        {
            var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (t.Length == 0)
                continue;
            options = t[0] switch
            {
                "type" => options with { ProgramType = ParseType(t[1]), ExpectedAttachType = t.Length > 2 && t[2] == "egress" ? AttachType.CgroupInetEgress : null },
                "privileged" => options with { Privileged = true },
                "mem-size" => options with { MemorySize = int.Parse(t[1], CultureInfo.InvariantCulture) },
                "max-loop-iterations" => options with { MaxLoopIterations = long.Parse(t[1], CultureInfo.InvariantCulture) },
                "unroll" => options with { LoopUnroll = int.Parse(t[1], CultureInfo.InvariantCulture) },
                _ => throw new FormatException($"{path}: unknown option '{t[0]}'"),
            };
        }
        var maps = new List<MapDefinition>();
        foreach (var line in sections.GetValueOrDefault("maps") ?? [])
        {
            var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (t.Length == 0)
                continue;
            int Field(string key) => int.Parse(t[Array.IndexOf(t, key) + 1], CultureInfo.InvariantCulture);
            maps.Add(new MapDefinition
            {
                Name = t[0], Type = ParseMapType(t[1]), KeySize = Field("key"), ValueSize = Field("value"), MaxEntries = Field("entries"),
                Flags = t.Contains("rdonly") ? 0x80u : 0u, Fd = maps.Count,
            });
        }
        options = options with { Maps = maps };
        var specs = maps.Select(m => new MapSpec
        {
            Name = m.Name, Type = m.Type, KeySize = (uint)m.KeySize, ValueSize = (uint)m.ValueSize, MaxEntries = (uint)m.MaxEntries,
            Flags = m.Flags, Origin = MapOrigin.BtfMaps, SectionName = ".maps",
        }).ToList();
        var asm = string.Join('\n', sections["asm"]);
        var program = Assembler.Assemble(asm, AsmSyntax.Llvm, path);
        var expect = (sections.GetValueOrDefault("expect") ?? ["accepted"]).First(l => l.Trim().Length > 0).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        bool accepted = expect[0] == "accepted";
        return new VerifierCase
        {
            Name = Path.GetFileName(path),
            Program = program,
            Options = options,
            MapSpecs = specs,
            ExpectAccepted = accepted,
            ExpectId = accepted ? null : expect.ElementAtOrDefault(1),
            ExpectPc = !accepted && expect.Length >= 4 && expect[2] == "at" ? int.Parse(expect[3], CultureInfo.InvariantCulture) : -1,
            Messages = (sections.GetValueOrDefault("messages") ?? []).Select(m => m.Trim()).Where(m => m.Length > 0).ToList(),
            Kernel = sections.GetValueOrDefault("kernel")?.FirstOrDefault(),
        };
    }

    private static ProgramType ParseType(string name) => name switch
    {
        "memory" => ProgramType.Unspec,
        _ => Enum.GetValues<ProgramType>().FirstOrDefault(t => UapiNames.NameOf(t) == name, ProgramType.Unspec) is var t && (t != ProgramType.Unspec || name == "unspec")
            ? t : throw new FormatException($"unknown program type '{name}'"),
    };

    private static MapType ParseMapType(string name) =>
        Enum.GetValues<MapType>().FirstOrDefault(t => UapiNames.NameOf(t) == name) is var t && (t != MapType.Unspec || name == "unspec")
            ? t : throw new FormatException($"unknown map type '{name}'");

    /// <inheritdoc/>
    public override string ToString() => Name;
}
