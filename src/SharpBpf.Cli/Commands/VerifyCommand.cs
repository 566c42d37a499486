using System.CommandLine;
using System.Globalization;
using SharpBpf.Core;
using SharpBpf.Core.Files;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.Verifier;
using SharpBpf.Verifier.Agreement;

namespace SharpBpf.Cli.Commands;

/// <summary>
/// <c>sharpbpf verify OBJ|FILE [--section S] [--type T] [--log]</c>: the verdict of SharpBpf's
/// verifier per program, each rejection explained, and the kernel-style statistics. With
/// <c>--agreement</c> or <c>--bench</c> it compares with the kernel's verifier on a corpus.
/// </summary>
internal static partial class VerifyCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("OBJ|FILE")
        {
            Description = "A BPF object (clang -target bpf), or a program file: .bin, .hex, .data, a verifier case file (.txt) or assembly. " +
                "With --agreement or --bench: files and directories of the corpus.",
            Arity = ArgumentArity.OneOrMore,
        };
        var section = new Option<string?>("--section") { Description = "Only the programs of this section (or with this name)." };
        var type = new Option<string?>("--type")
        {
            Description = "Program type: xdp, socket_filter, sched_cls, sched_act, cgroup_skb, kprobe, tracepoint, raw_tracepoint, perf_event, " +
                "or memory (r1 = a buffer of r2 bytes, the uBPF/bpf_conformance convention; the default for program files).",
        };
        var log = new Option<bool>("--log") { Description = "Print every instruction the analysis processed, with the state it ran in." };
        var privileged = new Option<bool>("--privileged") { Description = "The kernel's rules for a privileged loader: pointers may leak, uninitialised stack may be read." };
        var memSize = new Option<int?>("--mem-size") { Description = "The memory convention: the buffer's size, when known (r2 is then that constant)." };
        var maxErrors = new Option<int>("--max-errors") { Description = "Report up to N errors per program.", DefaultValueFactory = _ => 1 };
        var agreement = new Option<bool>("--agreement")
        {
            Description = "Load every program of the corpus into the kernel too (root) and print the agreement table: verdicts of both verifiers, disagreements explained.",
        };
        var disagreements = new Option<string?>("--disagreements") { Description = "With --agreement: the listed disagreements (tests/data/verifier/agreement-disagreements.txt); an unlisted one fails." };
        var generated = new Option<bool>("--generated") { Description = "With --agreement: add the generated programs with classic bugs (and their fixed twins)." };
        var bench = new Option<bool>("--bench") { Description = "Time SharpBpf's verifier against the kernel's reported verification time on the corpus (markdown table)." };
        var repeat = new Option<int>("--repeat") { Description = "With --bench: runs per program and verifier (the median is shown).", DefaultValueFactory = _ => 21 };
        var cmd = new Command("verify", "Verify programs without a kernel: the verdict, each rejection explained (where, which rule, the path that led there, a hint), and statistics.")
        {
            files, section, type, log, privileged, memSize, maxErrors, agreement, disagreements, generated, bench, repeat,
        };
        cmd.SetAction(p =>
        {
            string[] paths = p.GetValue(files)!;
            if (p.GetValue(agreement))
                return Agreement(paths, p.GetValue(disagreements), p.GetValue(generated), p.GetValue(log));
            if (p.GetValue(bench))
                return Bench(paths, p.GetValue(repeat));
            if (paths.Length != 1)
                throw new CliError("verify takes one OBJ|FILE (several only with --agreement or --bench)", 2);
            string path = paths[0];
            if (!File.Exists(path))
                throw new CliError($"{path}: no such file");
            if (p.GetValue(maxErrors) < 1)
                throw new CliError("--max-errors must be at least 1", 2);
            ProgramType? programType = p.GetValue(type) is { } t ? ParseType(t) : null;
            var options = new VerifierOptions
            {
                Privileged = p.GetValue(privileged),
                TraceLog = p.GetValue(log),
                MaxErrors = p.GetValue(maxErrors),
                MemorySize = p.GetValue(memSize),
            };
            byte[] head = new byte[4];
            using (var fs = File.OpenRead(path))
                _ = fs.Read(head, 0, 4);
            bool allAccepted = ProgramFile.Detect(path, head) == ProgramFileKind.Elf
                ? VerifyObject(path, p.GetValue(section), programType, options)
                : VerifyFile(path, programType, options);
            return allAccepted ? 0 : 1;
        });
        return cmd;
    }

    private static bool VerifyObject(string path, string? section, ProgramType? type, VerifierOptions options)
    {
        var collection = CollectionLoader.Load(path);
        var programs = collection.Programs.Values
            .Where(pr => section is null || pr.SectionName == section || pr.Name == section)
            .ToList();
        if (programs.Count == 0)
            throw new CliError(section is null ? $"{path}: no programs" : $"{path}: no program in section or named '{section}'");
        bool all = true;
        foreach (var program in programs)
        {
            var effective = type is { } ty ? options with { ProgramType = ty } : options;
            var result = Verifier.Verifier.Verify(program, collection, effective);
            string kind = UapiNames.NameOf(type ?? program.Type) ?? "?";
            Print($"{program.Name} (section {program.SectionName}, {(kind == "unspec" ? "memory convention" : kind)})", result);
            all &= result.Accepted;
        }
        return all;
    }

    private static bool VerifyFile(string path, ProgramType? type, VerifierOptions options)
    {
        if (VerifierCase.IsCaseFile(path))
        {
            // A case of tests/data/verifier: its program with its options and maps.
            var c = VerifierCase.Load(path);
            var caseOptions = c.Options with { TraceLog = options.TraceLog, MaxErrors = options.MaxErrors, Privileged = c.Options.Privileged || options.Privileged };
            if (type is { } ct)
                caseOptions = caseOptions with { ProgramType = ct };
            var caseResult = Verifier.Verifier.Verify(c.Program, caseOptions);
            Print($"{Path.GetFileName(path)} ({UapiNames.NameOf(caseOptions.ProgramType) switch { "unspec" or null => "memory convention", var typeName => typeName }})", caseResult);
            return caseResult.Accepted;
        }
        var loaded = ProgramFile.Load(path);
        // A bpf_conformance test gives its memory: r2 is then its length (0 when there is none).
        if (options.MemorySize is null && loaded.Kind == ProgramFileKind.Conformance)
            options = options with { MemorySize = loaded.Memory?.Length ?? 0 };
        if (type is { } t)
            options = options with { ProgramType = t };
        var result = Verifier.Verifier.Verify(loaded.Instructions, options);
        string kind = options.ProgramType == ProgramType.Unspec
            ? options.MemorySize is { } n ? $"memory convention, {n} bytes" : "memory convention"
            : UapiNames.NameOf(options.ProgramType) ?? "?";
        Print($"{Path.GetFileName(path)} ({kind})", result);
        return result.Accepted;
    }

    private static void Print(string what, VerificationResult result)
    {
        var o = Console.Out;
        foreach (var line in result.Log)
            o.WriteLine(line);
        o.WriteLine($"{what}: {(result.Accepted ? "accepted" : "rejected")}");
        foreach (var e in result.Errors)
            o.Write(e.Explain());
        o.WriteLine($"  {result.Stats}");
        foreach (var loop in result.Facts.Loops)
        {
            string bound = loop.MaxIterations is { } n ? string.Create(CultureInfo.InvariantCulture, $"at most {n} iterations") : "terminates";
            o.WriteLine($"  loop at pc {loop.Header}: {bound} ({loop.How})");
        }
    }

    private static ProgramType ParseType(string name)
    {
        if (name is "memory" or "unspec")
            return ProgramType.Unspec;
        string normal = name.Replace('-', '_');
        string alias = normal switch { "tc" => "sched_cls", "socket" => "socket_filter", "raw_tp" => "raw_tracepoint", "tp" => "tracepoint", _ => normal };
        foreach (var t in Enum.GetValues<ProgramType>())
        {
            if (UapiNames.NameOf(t) == alias)
                return t;
        }
        throw new CliError($"--type: unknown program type '{name}' (try xdp, socket_filter, sched_cls, kprobe, tracepoint, raw_tracepoint, perf_event, cgroup_skb, memory)", 2);
    }
}
