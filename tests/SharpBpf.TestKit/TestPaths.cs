using Xunit;

namespace SharpBpf.TestKit;

/// <summary>Where the repository, its fixtures and the read-only ../shared data are.</summary>
public static class TestPaths
{
    /// <summary>The repository root (the folder holding SharpBpf.slnx).</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>tests/data.</summary>
    public static string Data => Path.Combine(RepoRoot, "tests", "data");

    /// <summary>../shared beside the checkout, or null when absent (a user's machine).</summary>
    public static string? Shared
    {
        get
        {
            var p = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
            return Directory.Exists(p) ? p : null;
        }
    }

    /// <summary>A path under ../shared; skips the test with a printed reason when ../shared is absent.</summary>
    public static string RequireShared(params string[] parts)
    {
        var shared = Shared;
        if (shared is null)
            Assert.Skip($"../shared is not beside this checkout ({Path.GetFullPath(Path.Combine(RepoRoot, ".."))}); the project's own tests cover the same ground");
        var p = Path.Combine([shared!, .. parts]);
        if (!File.Exists(p) && !Directory.Exists(p))
            Assert.Skip($"{p} is not in ../shared");
        return p;
    }

    /// <summary>
    /// The names of the files matching a pattern in a ../shared folder, for theory data. When the
    /// folder is absent it yields one placeholder, so the theory runs once and skips with a reason
    /// through <see cref="RequireShared"/> instead of failing for lack of data.
    /// </summary>
    public static TheoryData<string> SharedFiles(string folder, string pattern, Func<string, bool>? where = null)
    {
        var data = new TheoryData<string>();
        var dir = Shared is null ? null : Path.Combine(Shared, folder);
        if (dir is null || !Directory.Exists(dir))
        {
            data.Add("(../shared absent)");
            return data;
        }
        foreach (var f in Directory.EnumerateFiles(dir, pattern).Select(Path.GetFileName).Where(n => where is null || where(n!)).Order(StringComparer.Ordinal))
            data.Add(f!);
        return data;
    }

    private static string FindRoot()
    {
        foreach (var a in typeof(TestPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false))
        {
            if (a is System.Reflection.AssemblyMetadataAttribute { Key: "SharpBpfRepoRoot", Value: { } root } &&
                File.Exists(Path.Combine(root, "SharpBpf.slnx")))
                return root;
        }
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SharpBpf.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SharpBpf.slnx not found above " + AppContext.BaseDirectory);
    }
}
