using SharpBpf.TestKit;
using SharpBpf.Verifier.Agreement;
using Xunit;

namespace SharpBpf.Verifier.Tests;

/// <summary>The small test-case files of tests/data/verifier: code, options, expected verdict and message fragments.</summary>
public sealed class CaseFileTests
{
    private static string Dir => Path.Combine(TestPaths.Data, "verifier");

    private static IEnumerable<string> Names() =>
        Directory.EnumerateFiles(Dir, "*.txt").Where(VerifierCase.IsCaseFile).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal);

    public static TheoryData<string> Cases() => new(Names());

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_gives_its_verdict_and_explanation(string name)
    {
        var c = VerifierCase.Load(Path.Combine(Dir, name));
        var result = Verifier.Verify(c.Program, c.Options with { MaxErrors = 1 });
        string explained = string.Join("\n", result.Errors.Select(e => e.Explain()));
        if (c.ExpectAccepted)
        {
            Assert.True(result.Accepted, $"{name}: expected accepted, got:\n{explained}");
            return;
        }
        Assert.False(result.Accepted, $"{name}: expected {c.ExpectId} at {c.ExpectPc}, but the program was accepted");
        var e = result.Errors[0];
        Assert.True(c.ExpectId == e.Id && (c.ExpectPc < 0 || c.ExpectPc == e.Pc),
            $"{name}: expected {c.ExpectId} at {c.ExpectPc}, got {e.Id} at {e.Pc}:\n{explained}");
        foreach (var m in c.Messages)
            Assert.True(explained.Contains(m, StringComparison.Ordinal), $"{name}: the explanation lacks \"{m}\":\n{explained}");
    }

    [Fact]
    public void Every_case_records_the_kernels_verdict()
    {
        foreach (var name in Names())
        {
            var c = VerifierCase.Load(Path.Combine(Dir, name));
            Assert.True(c.Kernel is not null, $"{name} has no '-- kernel' line (what Linux said, for the cross-check)");
        }
    }
}
