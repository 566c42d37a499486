using System.Diagnostics;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// A temporary folder of uprobe targets built with clang for the class that uses it: <c>a1</c>,
/// <c>a2</c> and <c>b1</c> are one PIE program (<c>foo</c> calls <c>bar</c> through a pointer),
/// <c>a4</c> the same without execute permission, <c>.a7</c> a hidden copy, <c>a3.o</c> an object
/// file, <c>a5</c> an executable shell script and <c>a6.so</c> a shared library: what bpftrace's
/// binary globbing keeps (ELF executables and shared objects) and leaves out.
/// </summary>
public sealed class UprobeTargetsFixture : IDisposable
{
    private const string Source = """
        #include <stdio.h>
        #include <stdlib.h>
        __attribute__((noinline)) int bar(int x) { return x * 2; }
        __attribute__((noinline)) int foo(int x, int (*cb)(int)) { return cb(x) + 1; }
        int main(int argc, char **argv)
        {
            int n = argc > 1 ? atoi(argv[1]) : 1;
            char line[16];
            if (argc > 2) /* wait for the tracer: a line on stdin */
                fgets(line, sizeof line, stdin);
            int sum = 0;
            for (int i = 0; i < n; i++)
                sum += foo(i, bar);
            if (argc > 2) { /* say so, and stay mapped until stdin closes: the tracer resolves symbols meanwhile */
                puts("done");
                fflush(stdout);
                while (fgets(line, sizeof line, stdin)) {}
            }
            return sum < 0; /* quiet: a -c command's output would mix with the tracer's */
        }
        """;

    public UprobeTargetsFixture()
    {
        Dir = Directory.CreateTempSubdirectory("sharpbpf-uprobe-").FullName;
        if (!OperatingSystem.IsLinux())
        {
            Unavailable = "uprobes are Linux's";
            return;
        }
        string? clang = new[] { "/usr/bin/clang-14", "/usr/bin/clang" }.FirstOrDefault(File.Exists);
        if (clang is null)
        {
            Unavailable = "clang is not installed (apt-get install clang-14)";
            return;
        }
        File.WriteAllText(Path.Combine(Dir, "f.c"), Source);
        Unavailable = Compile(clang, "-O1", "-o", "a1", "f.c") ?? Compile(clang, "-O1", "-c", "-o", "a3.o", "f.c")
            ?? Compile(clang, "-O1", "-shared", "-fPIC", "-o", "a6.so", "f.c");
        if (Unavailable is not null)
            return;
        foreach (var copy in new[] { "a2", "a4", "b1", ".a7" })
            File.Copy(A1, Path.Combine(Dir, copy));
        File.SetUnixFileMode(Path.Combine(Dir, "a4"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(Dir, "a5"), "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(Path.Combine(Dir, "a5"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The folder.</summary>
    public string Dir { get; }

    /// <summary>The program.</summary>
    public string A1 => Path.Combine(Dir, "a1");

    /// <summary>Why the targets could not be built, or null.</summary>
    public string? Unavailable { get; }

    /// <summary>Skips when the targets could not be built.</summary>
    public void Require()
    {
        if (Unavailable is not null)
            Assert.Skip(Unavailable);
    }

    /// <summary>
    /// Starts <paramref name="program"/> (N calls to foo) waiting on its stdin: <see cref="Target.Go"/>
    /// makes the calls; the process stays alive, its mappings readable, until disposed.
    /// </summary>
    public static Target Start(string program, int calls)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(calls.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("wait");
        return new Target(Process.Start(psi)!);
    }

    /// <summary>A started target.</summary>
    public sealed class Target(Process process) : IDisposable
    {
        /// <summary>
        /// Lets the target call foo, and waits until it has: the probes have run by then, so targets started one
        /// after the other never run them at once (a script's <c>@n++</c> is not atomic, in bpftrace or here: two
        /// targets on two CPUs could lose a count, and a script waiting for it would never exit).
        /// </summary>
        public void Go()
        {
            process.StandardInput.WriteLine("go");
            process.StandardInput.Flush();
            var done = process.StandardOutput.ReadLineAsync();
            if (!done.Wait(TimeSpan.FromSeconds(30)) || done.Result != "done")
                throw new TimeoutException("the uprobe target did not say it had made its calls within 30 s");
        }

        /// <summary>Closes its stdin (it exits) and waits.</summary>
        public void Dispose()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(10_000))
                process.Kill();
            process.Dispose();
        }
    }

    private string? Compile(string clang, params string[] args)
    {
        var psi = new ProcessStartInfo(clang) { WorkingDirectory = Dir, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? null : $"clang {string.Join(' ', args)} failed: {err}";
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
