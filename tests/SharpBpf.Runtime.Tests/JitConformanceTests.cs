using SharpBpf.Runtime.Conformance;
using SharpBpf.Runtime.Jit;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>The bpf_conformance suite and the benchmark programs in ../shared, through the JIT.</summary>
public sealed class JitConformanceTests
{
    private const string Suite = "conformance/bpf_conformance";

    public static TheoryData<string> Tests => TestPaths.SharedFiles(Suite + "/tests", "*.data");

    public static TheoryData<string> BenchPrograms => TestPaths.SharedFiles("bench/data", "*.data");

    [Theory]
    [MemberData(nameof(Tests))]
    public void Test_file_passes_in_the_jit(string name)
    {
        var path = TestPaths.RequireShared(Suite, "tests", name);
        var result = ConformanceRunner.RunFile(path, EngineKind.Jit);
        Assert.True(result.Outcome == ConformanceOutcome.Passed, $"{name}: {result.Outcome}: {result.Reason}");
    }

    [Theory]
    [MemberData(nameof(BenchPrograms))]
    public void Bench_program_gives_its_expected_result_in_the_jit(string name)
    {
        var path = TestPaths.RequireShared("bench", "data", name);
        var result = ConformanceRunner.RunFile(path, EngineKind.Jit);
        Assert.True(result.Outcome == ConformanceOutcome.Passed, $"{name}: {result.Outcome}: {result.Reason}");
    }
}
