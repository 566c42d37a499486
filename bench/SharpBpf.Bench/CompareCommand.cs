using System.Globalization;
using System.Text;

namespace SharpBpf.Bench;

/// <summary>
/// <c>compare [--shared DIR] [--no-kernel] [--only a,b]</c>: measures our interpreter on every
/// benchmark program, runs the Linux JIT beside it, reads uBPF's figures, prints a markdown table.
/// </summary>
internal static class CompareCommand
{
    public static int Run(string[] args)
    {
        string shared = BenchPaths.DefaultShared();
        bool kernel = true;
        HashSet<string>? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--shared" when i + 1 < args.Length: shared = Path.GetFullPath(args[++i]); break;
                case "--no-kernel": kernel = false; break;
                case "--only" when i + 1 < args.Length: only = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
                default:
                    Console.Error.WriteLine($"compare: unknown argument '{args[i]}'; usage: compare [--shared DIR] [--no-kernel] [--only NAME,...]");
                    return 2;
            }
        }
        string readme = Path.Combine(shared, "bench", "README.md");
        if (!File.Exists(readme))
        {
            Console.Error.WriteLine($"compare: {readme} not found (give --shared DIR)");
            return 1;
        }
        var peers = PeerResult.Parse(File.ReadAllText(readme));

        var table = new StringBuilder();
        table.AppendLine("| program | insns | SharpBpf interp ns/run | ns/insn | uBPF interp ns/run | ns/insn | ratio uBPF/ours | uBPF JIT ns/run | Linux JIT ns/run (this run) | goal met (ours <= half of uBPF's ns/insn) |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        bool allMet = true;
        foreach (string name in BenchProgram.Names(shared))
        {
            if (only is not null && !only.Contains(name))
                continue;
            var program = BenchProgram.Load(BenchProgram.PathOf(shared, name));
            var t = InterpreterTimer.Measure(program.CreateInterpreter(), program.Memory);
            string ours, oursPerInsn;
            double? perInsn = null;
            if (t.Error is not null)
            {
                ours = $"fault: {t.Error}";
                oursPerInsn = "–";
            }
            else if (t.Result != program.ExpectedResult)
            {
                ours = $"WRONG r0 0x{t.Result:x} (expected 0x{program.ExpectedResult:x})";
                oursPerInsn = "–";
            }
            else
            {
                perInsn = t.NsPerRun / t.Instructions;
                ours = Ns(t.NsPerRun);
                oursPerInsn = PerInsn(perInsn.Value);
            }
            Console.Error.WriteLine($"{name}: {ours} ns/run ({t.RunsPerBatch} runs per batch)");

            string ubpf = "–", ubpfPerInsn = "–", ratio = "–", ubpfJit = "–", goal = "no uBPF figure";
            if (peers.TryGetValue(name, out var peer))
            {
                ubpf = Ns(peer.UbpfInterpNs);
                ubpfPerInsn = PerInsn(peer.UbpfInterpNsPerInsn);
                ubpfJit = Ns(peer.UbpfJitNs);
                if (perInsn is { } p)
                {
                    double r = peer.UbpfInterpNsPerInsn / p;
                    ratio = r.ToString("0.00", CultureInfo.InvariantCulture) + "x";
                    bool met = p <= peer.UbpfInterpNsPerInsn / 2;
                    goal = met ? "yes" : "**no**";
                    allMet &= met;
                }
                else
                {
                    goal = "**no** (no result)";
                    allMet = false;
                }
                if (t.Instructions != peer.Instructions)
                    goal += $" (insn count differs: uBPF {peer.Instructions})";
            }
            string linux = "not run (--no-kernel)";
            if (kernel)
            {
                var k = KernelBench.Run(shared, name, program.ExpectedResult);
                linux = k.Text.Replace('|', '/');
                Console.Error.WriteLine($"{name}: Linux JIT {linux}");
            }
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {t.Instructions:#,0} | {ours} | {oursPerInsn} | {ubpf} | {ubpfPerInsn} | {ratio} | {ubpfJit} | {linux} | {goal} |");
        }
        Console.WriteLine();
        Console.Write(table.ToString());
        Console.WriteLine();
        Console.WriteLine($"SharpBpf: median of {InterpreterTimer.Batches} batches of >= {InterpreterTimer.MinBatch.TotalMilliseconds:0} ms after {InterpreterTimer.WarmUp.TotalSeconds:0.#} s warm-up, "
            + $"Run(byte[], MemoryMap) on {Environment.ProcessorCount} CPUs, .NET {Environment.Version}. "
            + "uBPF: median of 10 repetitions from bench/README.md. Linux JIT: kernel_bench.py --trials 5 (median, includes its 8-insn XDP prolog).");
        Console.WriteLine(allMet ? "goal met on every program" : "goal NOT met on every program");
        return 0;
    }

    private static string Ns(double ns) => ns >= 1e6
        ? (ns / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " ms"
        : ns.ToString(ns >= 100 ? "#,0" : "0.0", CultureInfo.InvariantCulture);

    private static string PerInsn(double ns) => ns.ToString(ns >= 1 ? "0.00" : "0.000", CultureInfo.InvariantCulture);
}
