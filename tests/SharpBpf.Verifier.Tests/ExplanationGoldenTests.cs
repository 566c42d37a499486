using SharpBpf.TestKit;
using SharpBpf.Verifier.Agreement;
using Xunit;

namespace SharpBpf.Verifier.Tests;

/// <summary>
/// The explained rejections of the classic bugs, verbatim: tests/data/verifier/classic_*.explained
/// holds what <see cref="VerifierError.Explain"/> prints for classic_*.txt. Set
/// VERIFIER_UPDATE_GOLDEN=1 to rewrite them after a deliberate change, then review the diff.
/// </summary>
public sealed class ExplanationGoldenTests
{
    private static string Dir => Path.Combine(TestPaths.Data, "verifier");

    public static TheoryData<string> Classics() =>
        new(Directory.EnumerateFiles(Dir, "classic_*.txt").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Classics))]
    public void Classic_bug_is_explained_verbatim(string name)
    {
        var c = VerifierCase.Load(Path.Combine(Dir, name + ".txt"));
        var result = Verifier.Verify(c.Program, c.Options);
        Assert.False(result.Accepted);
        string text = result.Errors[0].Explain();
        string golden = Path.Combine(Dir, name + ".explained");
        if (Environment.GetEnvironmentVariable("VERIFIER_UPDATE_GOLDEN") == "1")
            File.WriteAllText(golden, text);
        Assert.True(File.Exists(golden), $"{golden} is missing; run with VERIFIER_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(golden), text);
    }
}
