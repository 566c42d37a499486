using SharpBpf.Runtime.Conformance;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>The bpf_conformance suite in ../shared, one theory case per file, in the interpreter.</summary>
public sealed class ConformanceSuiteTests
{
    private const string Suite = "conformance/bpf_conformance";

    public static TheoryData<string> Tests => TestPaths.SharedFiles(Suite + "/tests", "*.data");

    public static TheoryData<string> UnusedFieldTests => TestPaths.SharedFiles(Suite + "/negative", "unused-*.data");

    public static TheoryData<string> ToolNegativeTests => TestPaths.SharedFiles(Suite + "/negative", "*.data", n => !n.StartsWith("unused-", StringComparison.Ordinal));

    public static TheoryData<string> BenchPrograms => TestPaths.SharedFiles("bench/data", "*.data");

    [Theory]
    [MemberData(nameof(Tests))]
    public void Test_file_passes(string name)
    {
        var path = TestPaths.RequireShared(Suite, "tests", name);
        var result = ConformanceRunner.RunFile(path);
        Assert.True(result.Outcome == ConformanceOutcome.Passed, $"{name}: {result.Outcome}: {result.Reason}");
    }

    [Theory]
    [MemberData(nameof(UnusedFieldTests))]
    public void Reserved_field_program_is_rejected_by_the_decoder(string name)
    {
        var path = TestPaths.RequireShared(Suite, "negative", name);
        var result = ConformanceRunner.RunFile(path);
        Assert.True(result.Outcome == ConformanceOutcome.Passed, $"{name}: {result.Outcome}: {result.Reason}");
    }

    [Theory]
    [MemberData(nameof(ToolNegativeTests))]
    public void Tool_negative_file_never_passes(string name)
    {
        var path = TestPaths.RequireShared(Suite, "negative", name);
        var result = ConformanceRunner.RunFile(path);
        Assert.NotEqual(ConformanceOutcome.Passed, result.Outcome);
        // Unassemblable text fails (never "passes" by matching its -- error text); files the
        // upstream parser skips are skipped.
        var expected = name is "empty.data" or "empty_instructions.data" or "invalid_unknown_directive.data"
            ? ConformanceOutcome.Skipped : ConformanceOutcome.Failed;
        Assert.Equal(expected, result.Outcome);
    }

    [Theory]
    [MemberData(nameof(BenchPrograms))]
    public void Bench_program_gives_its_expected_result(string name)
    {
        var path = TestPaths.RequireShared("bench", "data", name);
        var result = ConformanceRunner.RunFile(path);
        Assert.True(result.Outcome == ConformanceOutcome.Passed, $"{name}: {result.Outcome}: {result.Reason}");
    }
}
