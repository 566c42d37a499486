using System.CommandLine;
using SharpBpf.Cli;
using SharpBpf.Cli.Commands;
using SharpBpf.Core.Diagnostics;

// Run from the repository (./sharpbpf), the build checks that it is current, and a stale build is rebuilt and the
// new binary runs instead (BuildFreshness: the launcher's child makes the check while this process starts).
// `trace` with only -e/-c/-v and positional words skips building and parsing the command tree (a fifth of a
// one-liner's start-up: System.CommandLine's resources and parser), and compiles, loads and attaches its programs
// before it reads the check's answer, at its first output. So do bpftool's short read-only commands (prog/map/
// link/btf show, map dump, perf show). Their output and messages wait for the answer in StandardOutput. Anything
// else waits at once and goes the full way.
var fast = TraceCommand.TryParseFast(args) ?? SharpBpf.Cli.Commands.Bpftool.BpftoolFastPath.TryParse(args);
BuildFreshness.Start();
try
{
    if (fast is not null)
    {
        int code = Cli.Guard(fast);
        BuildFreshness.AwaitFresh(); // a command that printed nothing is rerun too when the build is stale
        return code;
    }
    BuildFreshness.AwaitFresh();
    var root = new RootCommand("sharpbpf: the eBPF toolkit in pure C#: assembler, disassembler, interpreter, object files, BTF, the kernel.");
    GlobalOptions.AddTo(root);
    root.Subcommands.Add(AsmCommand.Create());
    root.Subcommands.Add(DisasmCommand.Create());
    root.Subcommands.Add(RunCommand.Create());
    root.Subcommands.Add(ConformanceCommand.Create());
    root.Subcommands.Add(BtfCommand.Create());
    root.Subcommands.Add(ObjCommand.Create());
    root.Subcommands.Add(VerifyCommand.Create());
    root.Subcommands.Add(TraceCommand.Create());
    root.Subcommands.Add(SharpBpf.Cli.Commands.Bpftool.ProgCommand.Create());
    root.Subcommands.Add(SharpBpf.Cli.Commands.Bpftool.MapCommand.Create());
    root.Subcommands.Add(SharpBpf.Cli.Commands.Bpftool.LinkCommand.Create());
    root.Subcommands.Add(SharpBpf.Cli.Commands.Bpftool.LinkCommand.CreatePerf());
    root.Subcommands.Add(SharpBpf.Cli.Commands.Bpftool.FeatureCommand.Create());
    return Cli.Invoke(root, args);
}
catch (StaleBuildException)
{
    return BuildFreshness.Rebuild(args);
}
finally
{
    BuildFreshness.Finish();
}

namespace SharpBpf.Cli
{
    /// <summary>Runs the command tree; maps every error to one line on stderr and an exit code.</summary>
    internal static class Cli
    {
        public static int Invoke(RootCommand root, string[] args)
        {
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var e in parse.Errors)
                    Console.Error.WriteLine($"sharpbpf: {e.Message}");
                Console.Error.WriteLine("Try 'sharpbpf --help'.");
                return 2;
            }
            return Guard(() => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
        }

        /// <summary>Runs a command's action, mapping the errors a command reports to stderr and an exit code.</summary>
        public static int Guard(Func<int> action)
        {
            try
            {
                return action();
            }
            catch (CliError e)
            {
                StandardOutput.Errors.WriteLine($"sharpbpf: {e.Message}");
                return e.ExitCode;
            }
            catch (BpfFormatException e)
            {
                StandardOutput.Errors.WriteLine($"sharpbpf: {e.Diagnostic}");
                return 1;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                StandardOutput.Errors.WriteLine($"sharpbpf: {e.Message}");
                return 1;
            }
        }
    }
}
