using System.CommandLine;
using SharpBpf.Linux;
using SharpBpf.Runtime.Conformance;
using SharpBpf.Runtime.Jit;

namespace SharpBpf.Cli.Commands;

/// <summary><c>sharpbpf conformance [--engine interp|jit|kernel] [--verify] PATH...</c>.</summary>
internal static class ConformanceCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "bpf_conformance .data files or folders of them.", Arity = ArgumentArity.OneOrMore };
        var engine = new Option<string>("--engine") { Description = "Engine to test: interp (the interpreter), jit (x86-64 machine code) or kernel (the running kernel: each program loaded as XDP and test-run; needs root).", DefaultValueFactory = _ => "interp" };
        engine.AcceptOnlyFromAmong("interp", "jit", "kernel");
        var verify = new Option<bool>("--verify") { Description = "Put our verifier in front of interp/jit: programs it rejects are skipped with its reason (and the JIT drops the checks it proved)." };
        var cmd = new Command("conformance", "Run bpf_conformance tests; one line per failure or skip, then the totals.") { paths, engine, verify };
        cmd.SetAction(p =>
        {
            var files = ConformanceRunner.ExpandPaths(p.GetValue(paths)!);
            var kind = p.GetValue(engine) == "jit" ? EngineKind.Jit : EngineKind.Interpreter;
            bool kernel = p.GetValue(engine) == "kernel";
            if (kernel && p.GetValue(verify))
                throw new CliError("--verify puts our verifier in front of interp or jit; the kernel engine has its own", 2);
            int passed = 0, failed = 0, skipped = 0;
            foreach (var f in files)
            {
                var r = kernel ? ConformanceRunner.RunFile(f, RunInKernel) : ConformanceRunner.RunFile(f, kind, p.GetValue(verify));
                switch (r.Outcome)
                {
                    case ConformanceOutcome.Passed:
                        passed++;
                        break;
                    case ConformanceOutcome.Failed:
                        failed++;
                        Console.Out.WriteLine($"FAIL {f}: {r.Reason}");
                        break;
                    default:
                        skipped++;
                        Console.Out.WriteLine($"SKIP {f}: {r.Reason}");
                        break;
                }
            }
            Console.Out.WriteLine($"conformance: {passed} passed, {failed} failed, {skipped} skipped");
            return failed == 0 ? 0 : 1;
        });
        return cmd;
    }

    /// <summary>The kernel engine: load as XDP, test-run, r0 recovered on 64 bits (see <see cref="KernelMemoryRunner"/>).</summary>
    private static ExternalRun RunInKernel(SharpBpf.Core.Instruction[] program, byte[]? memory)
    {
        try
        {
            var r = KernelMemoryRunner.Run(program, memory);
            return r.Ran ? new ExternalRun(r.ReturnValue) : new ExternalRun(0, $"rejected by the kernel's verifier: {r.Rejection}");
        }
        catch (BpfException e)
        {
            throw new CliError($"conformance: the kernel engine cannot run programs here: {e.Message}");
        }
    }
}
