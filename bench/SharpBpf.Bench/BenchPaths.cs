using System.Reflection;

namespace SharpBpf.Bench;

/// <summary>Where the checkout and the read-only ../shared folder are.</summary>
internal static class BenchPaths
{
    /// <summary>
    /// The shared folder: <c>SHARPBPF_SHARED</c> when set (BenchmarkDotNet's child processes get
    /// it this way), else ../shared beside the checkout.
    /// </summary>
    public static string DefaultShared()
    {
        if (Environment.GetEnvironmentVariable("SHARPBPF_SHARED") is { Length: > 0 } env)
            return Path.GetFullPath(env);
        return Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared"));
    }

    /// <summary>The folder holding SharpBpf.slnx (from build metadata, else the nearest parent of the binary).</summary>
    public static string RepoRoot()
    {
        foreach (var a in typeof(BenchPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (a is { Key: "SharpBpfRepoRoot", Value: { } root } && File.Exists(Path.Combine(root, "SharpBpf.slnx")))
                return root;
        }
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SharpBpf.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
