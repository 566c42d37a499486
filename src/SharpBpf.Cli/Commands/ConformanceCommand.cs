using System.CommandLine;
using SharpBpf.Runtime.Conformance;
using SharpBpf.Runtime.Jit;

namespace SharpBpf.Cli.Commands;

/// <summary><c>sharpbpf conformance [--engine interp|jit] PATH...</c>.</summary>
internal static class ConformanceCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "bpf_conformance .data files or folders of them.", Arity = ArgumentArity.OneOrMore };
        var engine = new Option<string>("--engine") { Description = "Engine to test: interp (the interpreter) or jit (x86-64 machine code).", DefaultValueFactory = _ => "interp" };
        engine.AcceptOnlyFromAmong("interp", "jit");
        var cmd = new Command("conformance", "Run bpf_conformance tests; one line per failure or skip, then the totals.") { paths, engine };
        cmd.SetAction(p =>
        {
            var files = ConformanceRunner.ExpandPaths(p.GetValue(paths)!);
            var kind = p.GetValue(engine) == "jit" ? EngineKind.Jit : EngineKind.Interpreter;
            int passed = 0, failed = 0, skipped = 0;
            foreach (var f in files)
            {
                var r = ConformanceRunner.RunFile(f, kind);
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
}
