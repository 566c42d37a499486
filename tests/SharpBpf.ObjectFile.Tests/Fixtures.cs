using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.ObjectFile.Tests;

/// <summary>The clang-built objects in tests/data/objects (see its README and rebuild.sh).</summary>
internal static class Fixtures
{
    public static string Dir => System.IO.Path.Combine(TestPaths.Data, "objects");

    public static string Path(string name) => System.IO.Path.Combine(Dir, name);

    public static TheoryData<string> Objects
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var f in Directory.EnumerateFiles(Dir, "*.o").Select(System.IO.Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal))
                data.Add(f!);
            return data;
        }
    }

    /// <summary>Compares with a golden file, or rewrites it when SHARPBPF_UPDATE_GOLDEN=1.</summary>
    public static void AssertGolden(string file, string actual)
    {
        var path = Path(file);
        if (Environment.GetEnvironmentVariable("SHARPBPF_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; run the tests with SHARPBPF_UPDATE_GOLDEN=1 to create it");
        var expected = File.ReadAllText(path);
        if (expected == actual)
            return;
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        int i = 0;
        while (i < Math.Min(e.Length, a.Length) && e[i] == a[i])
            i++;
        Assert.Fail($"{file} differs at line {i + 1}:\n  expected: {(i < e.Length ? e[i] : "(end)")}\n  actual:   {(i < a.Length ? a[i] : "(end)")}\n(SHARPBPF_UPDATE_GOLDEN=1 rewrites golden files)");
    }
}
