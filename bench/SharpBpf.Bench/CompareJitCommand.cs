using System.Globalization;
using System.Text;

namespace SharpBpf.Bench;

/// <summary>
/// <c>compare-jit [--shared DIR] [--no-kernel] [--no-verify] [--no-fold] [--only a,b] [--trials N]</c>: in one run,
/// our JIT (verified, <c>TestRun</c>) and interpreter, the Linux JIT through kernel_bench.py with
/// the same repeat (at least 10,000), and uBPF's JIT from ../shared/bench/README.md, on the six
/// programs the kernel loads; prints a markdown table with the ratios and their geometric means.
/// </summary>
internal static class CompareJitCommand
{
    /// <summary>The programs the kernel's verifier accepts (arith_loop's 1e6 iterations it does not).</summary>
    private static readonly string[] Programs = ["empty", "pkt_parse", "fnv1a", "alu_straight", "alu_straight_nodiv", "arith_loop_10k"];

    private const int MinRepeat = 10_000;

    public static int Run(string[] args)
    {
        string shared = BenchPaths.DefaultShared();
        bool kernel = true, verify = true, fold = true;
        int trials = 9;
        HashSet<string>? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--shared" when i + 1 < args.Length: shared = Path.GetFullPath(args[++i]); break;
                case "--no-kernel": kernel = false; break;
                case "--no-verify": verify = false; break;
                case "--no-fold": fold = false; break;
                case "--trials" when i + 1 < args.Length && int.TryParse(args[i + 1], out int t) && t > 0: trials = t; i++; break;
                case "--only" when i + 1 < args.Length: only = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
                default:
                    Console.Error.WriteLine($"compare-jit: unknown argument '{args[i]}'; usage: compare-jit [--shared DIR] [--no-kernel] [--no-verify] [--no-fold] [--trials N] [--only NAME,...]");
                    return 2;
            }
        }
        string readme = Path.Combine(shared, "bench", "README.md");
        if (!File.Exists(readme))
        {
            Console.Error.WriteLine($"compare-jit: {readme} not found (give --shared DIR)");
            return 1;
        }
        var peers = PeerResult.Parse(File.ReadAllText(readme));

        var table = new StringBuilder();
        table.AppendLine("| program | insns | SharpBpf JIT ns/run | SharpBpf interp ns/run | Linux JIT ns/run (this run) | uBPF JIT ns/run | ours/Linux | ours/uBPF | proven accesses |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        double logLinux = 0, logUbpf = 0, worstLinux = 0;
        int nLinux = 0, nUbpf = 0;
        bool allRight = true;
        foreach (string name in Programs)
        {
            if (only is not null && !only.Contains(name))
                continue;
            var program = BenchProgram.Load(BenchProgram.PathOf(shared, name));
            var jit = JitTimer.Measure(program.Instructions, program.Memory, trials, MinRepeat, verify, fold);
            string ours;
            double? oursNs = null;
            if (jit.Error is not null)
                ours = $"fault: {jit.Error}";
            else if (jit.Last.ReturnValue != program.ExpectedResult)
                ours = $"WRONG r0 0x{jit.Last.ReturnValue:x}";
            else
            {
                oursNs = jit.NsPerRun;
                ours = Ns(jit.NsPerRun);
            }
            allRight &= oursNs is not null;
            Console.Error.WriteLine($"{name}: JIT {ours} ns/run (repeat {jit.Repeat}, {jit.CodeSize} bytes of code)");

            var interp = InterpreterTimer.Measure(program.CreateInterpreter(), program.Memory);
            string interpText = interp.Error is not null ? $"fault: {interp.Error}"
                : interp.Result != program.ExpectedResult ? $"WRONG r0 0x{interp.Result:x}" : Ns(interp.NsPerRun);
            Console.Error.WriteLine($"{name}: interpreter {interpText} ns/run");

            string linux = "not run (--no-kernel)", ratioLinux = "–";
            if (kernel)
            {
                var k = KernelBench.Run(shared, name, program.ExpectedResult, Math.Max(jit.Repeat, MinRepeat), trials);
                linux = k.Text.Replace('|', '/');
                Console.Error.WriteLine($"{name}: Linux JIT {linux}");
                if (k.NsPerRun is { } kns && oursNs is { } o && !k.Text.Contains("WRONG", StringComparison.Ordinal))
                {
                    double r = o / kns;
                    ratioLinux = Ratio(r);
                    logLinux += Math.Log(r);
                    worstLinux = Math.Max(worstLinux, r);
                    nLinux++;
                }
            }
            string ubpf = "–", ratioUbpf = "–";
            if (peers.TryGetValue(name, out var peer))
            {
                ubpf = Ns(peer.UbpfJitNs);
                if (oursNs is { } o)
                {
                    double r = o / peer.UbpfJitNs;
                    ratioUbpf = Ratio(r);
                    logUbpf += Math.Log(r);
                    nUbpf++;
                }
            }
            string provenText = verify ? $"{jit.Proven} of {jit.Accesses}" : "not verified";
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {interp.Instructions:#,0} | {ours} | {interpText} | {linux} | {ubpf} | {ratioLinux} | {ratioUbpf} | {provenText} |");
        }
        string geoLinux = nLinux > 0 ? Ratio(Math.Exp(logLinux / nLinux)) : "–";
        string geoUbpf = nUbpf > 0 ? Ratio(Math.Exp(logUbpf / nUbpf)) : "–";
        table.AppendLine(CultureInfo.InvariantCulture, $"| **geometric mean** | | | | | | **{geoLinux}** | **{geoUbpf}** | |");
        Console.WriteLine();
        Console.Write(table.ToString());
        Console.WriteLine();
        Console.WriteLine($"SharpBpf JIT: {(verify ? "verified (memory convention, buffer size known), " : "")}{(fold ? "" : "constant folding off, ")}JitProgram.TestRun (one call of the machine code per run, as BPF_PROG_TEST_RUN's loop), "
            + $"budget {Runtime.Jit.JitProgram.ShortRunBudget}, repeat calibrated to >= 30 ms and >= {MinRepeat}, median of {trials} trials; "
            + $"interpreter: Run(byte[], MemoryMap), median of {InterpreterTimer.Batches} batches; Linux JIT: kernel_bench.py with the JIT's repeat, median of {trials} trials "
            + $"(includes its 8-insn XDP prolog); uBPF JIT: median of 10 repetitions from ../shared/bench/README.md. {Environment.ProcessorCount} CPUs, .NET {Environment.Version}.");
        if (nLinux > 0)
        {
            bool met = Math.Exp(logLinux / nLinux) <= 0.9 && worstLinux <= 1.1;
            Console.WriteLine($"goal (geometric mean <= 0.9x the Linux JIT, none above 1.1x): {(met ? "met" : "NOT met")} (worst {Ratio(worstLinux)})");
        }
        return allRight ? 0 : 1;
    }

    private static string Ratio(double r) => r.ToString("0.00", CultureInfo.InvariantCulture) + "x";

    private static string Ns(double ns) => ns >= 1e6
        ? (ns / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " ms"
        : ns.ToString(ns >= 100 ? "#,0" : "0.0", CultureInfo.InvariantCulture);
}
