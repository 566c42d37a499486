using Xunit;

namespace SharpBpf.Cli.Tests;

/// <summary>
/// The repository wrapper's staleness check (<see cref="BuildFreshness.IsStale"/>) over a build folder of its
/// own: a <c>.built</c> stamp and a <c>.sources</c> list of files and folders, with their times set.
/// </summary>
public sealed class BuildFreshnessTests
{
    private static readonly DateTime Built = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    // src/A/x.cs, src/A/y.cs, src/B/z.cs, src/A, src/B and src, all written before the stamp; the list in the
    // order given (the build lists it folder by folder; any order must work).
    private static (TempDir Dir, string Build, string[] Sources) Layout(bool folderByFolder = true)
    {
        var dir = new TempDir();
        string src = Path.Combine(dir.Path, "src");
        Directory.CreateDirectory(Path.Combine(src, "A"));
        Directory.CreateDirectory(Path.Combine(src, "B"));
        string[] files = [Path.Combine(src, "A", "x.cs"), Path.Combine(src, "A", "y.cs"), Path.Combine(src, "B", "z.cs")];
        foreach (var f in files)
            File.WriteAllText(f, "// source\n");
        string[] folders = [src, Path.Combine(src, "A"), Path.Combine(src, "B")];
        foreach (var p in files)
            File.SetLastWriteTimeUtc(p, Built.AddMinutes(-5));
        foreach (var p in folders)
            Directory.SetLastWriteTimeUtc(p, Built.AddMinutes(-5));
        string build = Path.Combine(dir.Path, ".build", "cli"); // where the launcher looks
        Directory.CreateDirectory(build);
        string[] sources = folderByFolder
            ? [dir.Path + "/src", files[0], files[1], folders[1], folders[2], files[2]]
            : [files[0], folders[2], files[1], dir.Path + "/src", files[2], folders[1]];
        File.WriteAllText(Path.Combine(build, ".sources"), string.Join("\n", sources) + "\n");
        File.WriteAllText(Path.Combine(build, ".built"), "native\n");
        File.SetLastWriteTimeUtc(Path.Combine(build, ".built"), Built);
        return (dir, build, sources);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_build_newer_than_every_source_is_fresh(bool folderByFolder)
    {
        var (dir, build, _) = Layout(folderByFolder);
        using (dir)
            Assert.False(BuildFreshness.IsStale(build));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void A_source_written_after_the_build_makes_it_stale(int which)
    {
        var (dir, build, sources) = Layout();
        using (dir)
        {
            if (Directory.Exists(sources[which]))
                Directory.SetLastWriteTimeUtc(sources[which], Built.AddTicks(1000));
            else
                File.SetLastWriteTimeUtc(sources[which], Built.AddTicks(1000));
            Assert.True(BuildFreshness.IsStale(build));
        }
    }

    [Fact]
    public void A_source_written_in_the_same_second_but_later_makes_it_stale()
    {
        var (dir, build, sources) = Layout();
        using (dir)
        {
            File.SetLastWriteTimeUtc(sources[2], Built.AddTicks(10));
            Assert.True(BuildFreshness.IsStale(build));
            File.SetLastWriteTimeUtc(sources[2], Built);
            Assert.False(BuildFreshness.IsStale(build));
        }
    }

    [Fact]
    public void A_missing_source_a_missing_folder_or_a_missing_list_or_stamp_makes_it_stale()
    {
        var (dir, build, sources) = Layout();
        using (dir)
        {
            File.Delete(sources[5]);
            Assert.True(BuildFreshness.IsStale(build));
        }
        (dir, build, sources) = Layout();
        using (dir)
        {
            Directory.Delete(Path.GetDirectoryName(sources[5])!, recursive: true);
            Assert.True(BuildFreshness.IsStale(build));
        }
        (dir, build, _) = Layout();
        using (dir)
        {
            File.Delete(Path.Combine(build, ".sources"));
            Assert.True(BuildFreshness.IsStale(build));
        }
        (dir, build, _) = Layout();
        using (dir)
        {
            File.Delete(Path.Combine(build, ".built"));
            Assert.True(BuildFreshness.IsStale(build));
        }
    }

    [Fact]
    public void A_long_list_is_read_whole()
    {
        // more than the first read buffer (96 KB): the last entry, written after the build, must be seen
        var (dir, build, sources) = Layout();
        using (dir)
        {
            var lines = new List<string>();
            while (lines.Sum(l => l.Length + 1) < 300_000)
                lines.Add(sources[1]);
            lines.Add(sources[2]);
            File.WriteAllText(Path.Combine(build, ".sources"), string.Join("\n", lines));
            Assert.False(BuildFreshness.IsStale(build));
            File.SetLastWriteTimeUtc(sources[2], Built.AddSeconds(1));
            Assert.True(BuildFreshness.IsStale(build));
        }
    }

    // The launcher's child (tools/SharpBpf.Launcher) makes the same check: run from the layout's folder with a
    // stand-in binary that prints the answer read from its pipe, it answers as IsStale does in each case.
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_launchers_child_answers_as_the_check_here_does()
    {
        LauncherTests.RequireX64Linux();
        var cases = new (string Name, Action<string, string[]> Change)[]
        {
            ("nothing changed", (_, _) => { }),
            ("a source written 1 us after the build", (_, s) => File.SetLastWriteTimeUtc(s[2], Built.AddTicks(10))),
            ("a source written at the build's time", (_, s) => File.SetLastWriteTimeUtc(s[2], Built)),
            ("a source written a second later", (_, s) => File.SetLastWriteTimeUtc(s[5], Built.AddSeconds(1))),
            ("a folder changed", (_, s) => Directory.SetLastWriteTimeUtc(s[4], Built.AddSeconds(1))),
            ("a source removed", (_, s) => File.Delete(s[1])),
            ("a folder removed", (_, s) => Directory.Delete(s[4], recursive: true)),
            ("empty lines in the list", (b, s) => File.WriteAllText(Path.Combine(b, ".sources"), "\n" + string.Join("\n\n", s))),
            ("no end of line after the last entry, written later", (b, s) =>
            {
                File.WriteAllText(Path.Combine(b, ".sources"), string.Join("\n", s));
                File.SetLastWriteTimeUtc(s[5], Built.AddSeconds(1));
            }),
            ("a list of 300 KB", (b, s) => File.WriteAllText(Path.Combine(b, ".sources"),
                string.Concat(Enumerable.Repeat(s[0] + "\n" + s[1] + "\n", 300_000 / (s[0].Length + s[1].Length + 2))) + s[5] + "\n")),
        };
        foreach (var (name, change) in cases)
        {
            var (dir, build, sources) = Layout();
            using (dir)
            {
                change(build, sources);
                char expected = BuildFreshness.IsStale(build) ? 's' : 'f';
                Assert.True(expected == LauncherAnswer(dir.Path, build), $"{name}: the check here says {expected}");
            }
        }
    }

    // A list longer than the launcher reads (1 MB): it answers '?', and the binary checks for itself.
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Over_a_list_too_long_for_it_the_launcher_leaves_the_check_to_the_binary()
    {
        LauncherTests.RequireX64Linux();
        var (dir, build, sources) = Layout();
        using (dir)
        {
            File.WriteAllText(Path.Combine(build, ".sources"), string.Concat(Enumerable.Repeat(sources[1] + "\n", (1 << 20) / sources[1].Length + 1)));
            Assert.Equal('?', LauncherAnswer(dir.Path, build));
        }
    }

    // Runs the launcher in root, with build (root/.build/cli) holding a stand-in binary that prints the first byte
    // its pipe gives.
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static char LauncherAnswer(string root, string build)
    {
        string launcher = Path.Combine(root, "sharpbpf");
        File.WriteAllBytes(launcher, SharpBpf.Launcher.Launcher.Build());
        string binary = Path.Combine(build, "sharpbpf");
        File.WriteAllText(binary, "#!/bin/sh\nIFS=, read fd child self <<EOF\n$SHARPBPF_CHECK\nEOF\n[ \"$self\" = $$ ] || exit 3\neval \"head -c1 <&$fd\"\n");
        LauncherTests.MakeExecutable(launcher);
        LauncherTests.MakeExecutable(binary);
        var (code, output, _, _) = LauncherTests.Run(launcher, []);
        Assert.True(code == 0 && output is [{ Length: 1 }], $"the stand-in binary printed '{string.Join('\n', output)}' and exited with {code}");
        return output[0][0];
    }

    [Theory]
    [InlineData("f", false)]
    [InlineData("s", true)]
    [InlineData("?", null)]
    [InlineData("", null)]
    public void The_launchers_answer_is_read_from_its_pipe(string written, bool? expected)
    {
        int[] fds = new int[2];
        Assert.Equal(0, pipe(fds));
        try
        {
            if (written.Length > 0)
                Assert.Equal(1, write(fds[1], [(byte)written[0]], 1));
            Assert.Equal(0, close(fds[1]));
            fds[1] = -1;
            Assert.Equal(expected, BuildFreshness.ReadAnswer(fds[0]));
        }
        finally
        {
            foreach (int fd in fds)
            {
                if (fd >= 0)
                    _ = close(fd);
            }
        }
    }

    [Theory]
    [InlineData("3,100,42", true)]
    [InlineData("3,100,43", false)] // inherited by another process
    [InlineData("3,100", false)]
    [InlineData("3,0,42", false)]
    [InlineData("-3,100,42", false)]
    [InlineData("3,100,42,1", false)]
    [InlineData(" 3,100,42", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_check_variable_is_taken_only_by_the_launchers_own_process(string? value, bool taken)
    {
        Assert.Equal(taken, BuildFreshness.TryParseCheck(value, 42, out int fd, out int child));
        if (taken)
            Assert.Equal((3, 100), (fd, child));
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int pipe(int[] fds);

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern nint write(int fd, byte[] buffer, nint count);

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int close(int fd);
}
