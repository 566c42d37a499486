using SharpBpf.Core;
using SharpBpf.Core.Diagnostics;
using SharpBpf.Core.Files;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Verifier.Agreement;

/// <summary>
/// Builds the agreement corpus from files: bpf_conformance tests (<c>.data</c>, the memory
/// convention behind <see cref="MemoryConvention.XdpProlog"/>), object files (<c>.o</c>, every
/// program), benchmark bodies (<c>.hex</c>/<c>.bin</c>, memory convention with 1500 bytes as
/// kernel_bench.py), verifier case files (<c>.txt</c>, <see cref="VerifierCase"/>), and the
/// generated classic bugs (<see cref="ClassicBugs"/>).
/// </summary>
public static class AgreementCorpus
{
    /// <summary>The packet size of ../shared/bench (pkt1500.bin).</summary>
    public const int BenchPacketSize = 1500;

    /// <summary>The buffer size a case file of the memory convention gets when it names none.</summary>
    public const int DefaultMemorySize = 64;

    /// <summary>
    /// The cases of files and directories (directories: their files, sorted; a <c>.o</c> or
    /// <c>.bin</c> beside a <c>.hex</c> of the same name is the same program and is left out).
    /// What is not a program (assembler tests of the negative suite, the bench packet) goes to
    /// <paramref name="skipped"/> with the reason.
    /// </summary>
    public static List<AgreementCase> Load(IEnumerable<string> paths, ICollection<string> skipped)
    {
        var cases = new List<AgreementCase>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path).Order(StringComparer.Ordinal).ToList();
                var hex = files.Where(f => f.EndsWith(".hex", StringComparison.Ordinal)).Select(f => f[..^4]).ToHashSet(StringComparer.Ordinal);
                foreach (var f in files)
                {
                    string ext = Path.GetExtension(f);
                    if (ext is ".o" or ".bin" && hex.Contains(f[..^ext.Length]))
                        continue;
                    // Directories hold more than programs (golden dumps beside the objects): a .txt counts only as a case file.
                    if (ext is ".data" or ".o" or ".hex" or ".bin" || (ext == ".txt" && VerifierCase.IsCaseFile(f)))
                        cases.AddRange(FromFile(f, skipped));
                }
            }
            else if (File.Exists(path))
            {
                cases.AddRange(FromFile(path, skipped));
            }
            else
            {
                throw new FileNotFoundException($"{path}: no such file or directory", path);
            }
        }
        return cases;
    }

    /// <summary>The cases of one file.</summary>
    public static IEnumerable<AgreementCase> FromFile(string path, ICollection<string> skipped)
    {
        string file = Path.GetFileName(path);
        switch (Path.GetExtension(path))
        {
            case ".o":
                return FromObject(path);
            case ".txt" when VerifierCase.IsCaseFile(path):
                return [FromCaseFile(path)];
            case ".hex" or ".bin":
                if (file.StartsWith("pkt1500", StringComparison.Ordinal))
                {
                    skipped.Add($"bench/{file}: a packet, not a program");
                    return [];
                }
                return [FromBench(path)];
            case ".data":
            {
                string group = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) == "negative" ? "negative" : "conformance";
                ProgramFile test;
                try
                {
                    test = ProgramFile.Load(path);
                }
                catch (Exception e) when (e is BpfFormatException or FormatException)
                {
                    skipped.Add($"{group}/{file}: not a program ({e.Message.Split('\n')[0]})");
                    return [];
                }
                if (test.Instructions.Length == 0)
                {
                    skipped.Add($"{group}/{file}: no instructions");
                    return [];
                }
                return [Memory($"{group}/{file}", group, test.Instructions, test.Memory?.Length ?? 0)];
            }
            default:
                skipped.Add($"{path}: not a program file");
                return [];
        }
    }

    /// <summary>A memory-convention program as XDP behind the prolog, on both sides.</summary>
    public static AgreementCase Memory(string name, string group, ReadOnlySpan<Instruction> body, int size, IReadOnlyList<MapSpec>? maps = null,
        IReadOnlyList<MapDefinition>? definitions = null) => new()
    {
        Name = name, Group = group, Program = MemoryConvention.AsXdp(body, size), Type = ProgramType.Xdp, Maps = maps ?? [],
        Options = new VerifierOptions { ProgramType = ProgramType.Xdp, Privileged = true, Maps = definitions ?? [] },
        PrologLength = MemoryConvention.PrologLength,
    };

    /// <summary>A benchmark body (../shared/bench/bytecode), as kernel_bench.py loads it.</summary>
    public static AgreementCase FromBench(string path)
    {
        var body = ProgramFile.Load(path).Instructions;
        return Memory($"bench/{Path.GetFileNameWithoutExtension(path)}", "bench", body, BenchPacketSize);
    }

    /// <summary>Every program of an object, loaded by the collection loader on the kernel side.</summary>
    public static IEnumerable<AgreementCase> FromObject(string path)
    {
        var collection = CollectionLoader.Load(path);
        string file = Path.GetFileName(path);
        return collection.Programs.Values.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new AgreementCase
        {
            Name = $"objects/{file}:{p.Name}", Group = "objects", Type = p.Type, AttachType = p.AttachType,
            Collection = collection, ProgramName = p.Name,
            Options = new VerifierOptions { Privileged = true },
        }).ToList();
    }

    /// <summary>A case file of tests/data/verifier: its program and options (the memory convention behind the prolog).</summary>
    public static AgreementCase FromCaseFile(string path)
    {
        var c = VerifierCase.Load(path);
        string name = $"cases/{Path.GetFileNameWithoutExtension(path)}";
        var options = c.Options with { Privileged = true };
        if (options.ProgramType == ProgramType.Unspec)
        {
            var mem = Memory(name, "cases", c.Program, options.MemorySize ?? DefaultMemorySize, c.MapSpecs, options.Maps);
            return mem with { Options = options with { ProgramType = ProgramType.Xdp, MemorySize = null } };
        }
        return new AgreementCase
        {
            Name = name, Group = "cases", Program = c.Program, Type = options.ProgramType, AttachType = options.ExpectedAttachType,
            Maps = c.MapSpecs, Options = options,
        };
    }
}
