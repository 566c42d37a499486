using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SharpBpf.Bench;

/// <summary>
/// <c>compare</c> (default): our interpreter beside uBPF's figures and the Linux JIT, as a
/// markdown table. <c>compare-jit</c>: our JIT beside the Linux JIT and uBPF's (see
/// <see cref="CompareJitCommand"/>). <c>bdn [--quick] [BenchmarkDotNet args]</c>: the BenchmarkDotNet suite
/// (<c>--quick</c>: BenchmarkDotNet's short run job).
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        string mode = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "compare";
        string[] rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        switch (mode)
        {
            case "compare":
                return CompareCommand.Run(rest);
            case "compare-jit":
                return CompareJitCommand.Run(rest);
            case "bdn":
            {
                // In-process: BenchmarkDotNet's default toolchain would build a second copy of the
                // solution into the shared obj/ folders; this runs the build we already have.
                Environment.SetEnvironmentVariable("SHARPBPF_SHARED", BenchPaths.DefaultShared());
                bool quick = rest.Contains("--quick");
                var job = (quick ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
                var config = DefaultConfig.Instance.AddJob(job.AsDefault());
                var summary = BenchmarkRunner.Run<InterpreterBenchmarks>(config, [.. rest.Where(a => a != "--quick")]);
                return summary.HasCriticalValidationErrors ? 1 : 0;
            }
            default:
                Console.Error.WriteLine("usage: SharpBpf.Bench [compare [--shared DIR] [--no-kernel] [--only NAME,...] | compare-jit [--no-kernel] [--no-verify] [--no-fold] [--trials N] [--only NAME,...] | bdn [--quick] [BenchmarkDotNet args]]");
                return 2;
        }
    }
}
