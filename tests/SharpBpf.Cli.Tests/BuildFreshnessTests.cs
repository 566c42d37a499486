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
        string build = Path.Combine(dir.Path, "build");
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

    // The check on a thread of its own, joined in by the waiting side: the same answers as on the calling thread,
    // whether the waiting side comes early (takes most chunks), late (finds the answer) or never (Dispose).
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void The_check_on_its_own_thread_gives_the_same_answers(int waitMs)
    {
        var (dir, build, sources) = Layout();
        using (dir)
        {
            // ~40 chunks, the change in the last entry, then in the first
            var lines = new List<string>();
            for (int i = 0; i < 400; i++)
                lines.Add(sources[1 + i % 2]);
            lines.Add(sources[5]);
            File.WriteAllText(Path.Combine(build, ".sources"), string.Join("\n", lines) + "\n");
            for (int round = 0; round < 20; round++)
            {
                using var fresh = BuildFreshness.BackgroundCheck.Start(build);
                Thread.Sleep(waitMs);
                Assert.False(fresh.Await());
                Assert.False(fresh.Await());
            }
            File.SetLastWriteTimeUtc(sources[5], Built.AddTicks(10));
            for (int round = 0; round < 20; round++)
            {
                using var stale = BuildFreshness.BackgroundCheck.Start(build);
                Thread.Sleep(waitMs);
                Assert.True(stale.Await());
            }
            File.SetLastWriteTimeUtc(sources[5], Built);
            File.SetLastWriteTimeUtc(sources[1], Built.AddSeconds(1));
            using (var first = BuildFreshness.BackgroundCheck.Start(build))
                Assert.True(first.Await());
            // never waited for: Dispose answers, releases and joins the thread
            using (BuildFreshness.BackgroundCheck.Start(build))
            {
            }
            File.Delete(Path.Combine(build, ".sources"));
            using (var unreadable = BuildFreshness.BackgroundCheck.Start(build))
                Assert.True(unreadable.Await());
        }
    }
}
