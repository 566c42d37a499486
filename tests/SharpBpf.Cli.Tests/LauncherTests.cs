using System.Diagnostics;
using System.Runtime.InteropServices;
using SharpBpf.Launcher;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Cli.Tests;

/// <summary>
/// The repository's <c>./sharpbpf</c> launcher (tools/SharpBpf.Launcher): the committed file is what the
/// generator makes, and, run in a folder of its own with a stand-in build and script that print what they
/// were given, it execs the native build or the script as <c>sharpbpf.sh</c>'s own fast path would.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LauncherTests
{
    [Fact]
    public void The_committed_launcher_is_what_the_generator_makes()
    {
        byte[] committed = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "sharpbpf"));
        Assert.True(committed.AsSpan().SequenceEqual(Launcher.Launcher.Build()),
            "./sharpbpf differs from tools/SharpBpf.Launcher's output: run `dotnet run --project tools/SharpBpf.Launcher`");
    }

    [Fact]
    public void The_listing_disassembles_the_code_up_to_its_strings()
    {
        string listing = Launcher.Launcher.Listing();
        Assert.StartsWith("004000b0:  mov %rsp,%rbx", listing);
        Assert.Contains("syscall", listing);
        Assert.EndsWith("ret\n", listing);
    }

    /// <summary>A launcher in a folder with a stand-in build (<c>.build/cli/sharpbpf</c>) and script.</summary>
    private sealed class Tree : IDisposable
    {
        private readonly TempDir _dir = new();

        public Tree(string? built = "native\n", bool sources = true)
        {
            Folder = _dir.Path;
            Launcher = Path.Combine(Folder, "sharpbpf");
            File.WriteAllBytes(Launcher, SharpBpf.Launcher.Launcher.Build());
            MakeExecutable(Launcher);
            Cli = Path.Combine(Folder, ".build", "cli");
            Directory.CreateDirectory(Cli);
            Binary = Path.Combine(Cli, "sharpbpf");
            Script = Path.Combine(Folder, "sharpbpf.sh");
            WriteScript(Binary, "binary");
            WriteScript(Script, "script");
            if (built is not null)
                File.WriteAllText(Path.Combine(Cli, ".built"), built);
            if (sources)
                File.WriteAllText(Path.Combine(Cli, ".sources"), Folder + "\n");
        }

        public string Folder { get; }
        public string Launcher { get; }
        public string Cli { get; }
        public string Binary { get; }
        public string Script { get; }

        // Prints which it is, $0, each argument in brackets, and the SHARPBPF variables.
        private static void WriteScript(string path, string name)
        {
            File.WriteAllText(path, $"#!/bin/sh\necho \"{name} $0\"\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n" +
                "env | grep '^SHARPBPF_' | LC_ALL=C sort\n");
            MakeExecutable(path);
        }

        public void Dispose() => _dir.Dispose();
    }

    internal static void MakeExecutable(string path) =>
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    /// <summary>Runs <paramref name="path"/> (within 10 s) without SHARPBPF_ variables but those given: its exit code, stdout's lines, stderr and id.</summary>
    internal static (int Code, string[] Out, string Err, int Pid) Run(string path, string[] args, Dictionary<string, string?>? env = null)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("SHARPBPF_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in env ?? [])
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var read = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(10_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the launcher did not end within 10 s");
        }
        string stdout = read.Result;
        return (process.ExitCode, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), stderr.Result, process.Id);
    }

    internal static void RequireX64Linux()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
            Assert.Skip($"the launcher is an x86-64 Linux executable; this is {RuntimeInformation.OSDescription} on {RuntimeInformation.OSArchitecture}");
    }

    private static readonly string[] Arguments = ["trace", "-e", "BEGIN { printf(\"a b\\n\"); }", "", "--"];

    [Fact]
    public void A_native_build_is_execed_with_the_arguments_and_the_build_variables()
    {
        RequireX64Linux();
        using var tree = new Tree();
        var (code, output, err, pid) = Run(tree.Launcher, Arguments, new()
        {
            ["SHARPBPF_BUILD_DIR"] = "/elsewhere",
            ["SHARPBPF_WRAPPER"] = "/elsewhere/sharpbpf",
            ["SHARPBPF_CHECK"] = "0,1,1",
            ["SHARPBPF_KEPT"] = "yes",
        });
        Assert.Equal(0, code);
        Assert.Equal("", err);
        // the check's pipe and child (BuildFreshnessTests runs the check itself), and this process's id
        string check = Assert.Single(output, l => l.StartsWith("SHARPBPF_CHECK=", StringComparison.Ordinal));
        Assert.Matches($"^SHARPBPF_CHECK=[0-9]+,[1-9][0-9]*,{pid}$", check);
        string[] expected =
        [
            $"binary {tree.Binary}",
            .. Arguments.Select(a => $"[{a}]"),
            $"SHARPBPF_BUILD_DIR={tree.Cli}",
            check,
            "SHARPBPF_KEPT=yes",
            $"SHARPBPF_WRAPPER={tree.Script}",
        ];
        Assert.Equal(expected, output);
    }

    [Theory]
    [InlineData(null, true, null)] // never built
    [InlineData("dll\n", true, null)] // a ReadyToRun or plain build: the script runs it with dotnet
    [InlineData("native", true, null)] // no end of line: not a stamp the script writes
    [InlineData("native\n", false, null)] // no list of sources
    [InlineData("native\n", true, "1")] // the binary asks for a build
    public void Otherwise_the_script_runs_with_the_arguments(string? built, bool sources, string? rebuild)
    {
        RequireX64Linux();
        using var tree = new Tree(built, sources);
        var (code, output, err, _) = Run(tree.Launcher, Arguments, rebuild is null ? null : new() { ["SHARPBPF_REBUILD"] = rebuild });
        Assert.Equal(0, code);
        Assert.Equal("", err);
        string[] expected = [$"script {tree.Script}", .. Arguments.Select(a => $"[{a}]"), .. rebuild is null ? Array.Empty<string>() : [$"SHARPBPF_REBUILD={rebuild}"]];
        Assert.Equal(expected, output);
    }

    [Fact]
    public void A_rebuild_variable_other_than_1_does_not_count()
    {
        RequireX64Linux();
        using var tree = new Tree();
        var (_, output, _, _) = Run(tree.Launcher, ["x"], new() { ["SHARPBPF_REBUILD"] = "10" });
        Assert.Equal($"binary {tree.Binary}", output[0]);
    }

    [Fact]
    public void A_binary_that_cannot_be_execed_falls_back_to_the_script()
    {
        RequireX64Linux();
        using var tree = new Tree();
        File.SetUnixFileMode(tree.Binary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var (code, output, _, _) = Run(tree.Launcher, ["x"]);
        Assert.Equal(0, code);
        Assert.Equal([$"script {tree.Script}", "[x]"], output);
    }

    [Fact]
    public void Run_through_a_symlink_it_finds_its_own_folder()
    {
        RequireX64Linux();
        using var tree = new Tree();
        using var elsewhere = new TempDir();
        string link = Path.Combine(elsewhere.Path, "sharpbpf");
        File.CreateSymbolicLink(link, tree.Launcher);
        var (_, output, _, _) = Run(link, ["x"]);
        Assert.Equal([$"binary {tree.Binary}", "[x]", $"SHARPBPF_BUILD_DIR={tree.Cli}", $"SHARPBPF_WRAPPER={tree.Script}"],
            output.Where(l => !l.StartsWith("SHARPBPF_CHECK=", StringComparison.Ordinal)));
    }

    [Fact]
    public void Without_its_script_it_says_so_through_the_shell()
    {
        RequireX64Linux();
        using var tree = new Tree(built: null);
        File.Delete(tree.Script);
        var (code, output, err, _) = Run(tree.Launcher, ["x"]);
        Assert.NotEqual(0, code);
        Assert.Empty(output);
        Assert.Contains("sharpbpf.sh", err);
    }

    [Fact]
    public void Without_proc_it_says_what_it_could_not_read()
    {
        RequireX64Linux();
        if (Environment.UserName != "root")
            Assert.Skip("needs root to unmount /proc in a mount namespace of its own (unshare -m)");
        using var tree = new Tree();
        var (code, output, err, _) = Run("unshare", ["-m", "--propagation", "private", "sh", "-c", "umount -l /proc && exec \"$0\" x", tree.Launcher]);
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal("sharpbpf: cannot read /proc/self/exe to find the repository\n", err);
    }

    [Fact]
    public void A_large_environment_and_many_arguments_pass_through()
    {
        RequireX64Linux();
        using var tree = new Tree();
        string[] args = Enumerable.Range(0, 20_000).Select(i => i.ToString()).ToArray();
        var env = Enumerable.Range(0, 2_000).ToDictionary(i => $"SHARPBPF_X{i:D4}", i => (string?)new string('v', i % 50));
        var (code, output, _, _) = Run(tree.Launcher, args, env);
        Assert.Equal(0, code);
        Assert.Equal(1 + args.Length + 3 + env.Count, output.Length);
        Assert.Equal("[19999]", output[args.Length]);
        Assert.Contains("SHARPBPF_X1999=" + new string('v', 1999 % 50), output);
    }
}
