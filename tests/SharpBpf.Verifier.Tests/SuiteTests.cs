using SharpBpf.Core;
using SharpBpf.Core.Files;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.TestKit;
using SharpBpf.Verifier.Agreement;
using Xunit;

namespace SharpBpf.Verifier.Tests;

/// <summary>
/// Whole programs: the bpf_conformance suite, the object fixtures, and the benchmark programs.
/// </summary>
public sealed class SuiteTests
{
    private const string Suite = "conformance/bpf_conformance";

    /// <summary>
    /// What the verifier rejects in the suite, and why: exactly the tests Linux 6.18 rejects too
    /// (../shared/conformance/bpf_conformance/tests_index.tsv, column linux_6.18_xdp).
    /// </summary>
    private static readonly Dictionary<string, string> ConformanceRejected = new()
    {
        ["arsh32-imm-high.data"] = VerifierDiagnosticIds.InvalidShift,
        ["arsh32-imm-neg.data"] = VerifierDiagnosticIds.InvalidShift,
        ["arsh64-imm-high.data"] = VerifierDiagnosticIds.InvalidShift,
        ["arsh64-imm-neg.data"] = VerifierDiagnosticIds.InvalidShift,
        ["lsh32-imm-high.data"] = VerifierDiagnosticIds.InvalidShift,
        ["lsh32-imm-neg.data"] = VerifierDiagnosticIds.InvalidShift,
        ["lsh64-imm-high.data"] = VerifierDiagnosticIds.InvalidShift,
        ["lsh64-imm-neg.data"] = VerifierDiagnosticIds.InvalidShift,
        ["rsh32-imm-high.data"] = VerifierDiagnosticIds.InvalidShift,
        ["rsh32-imm-neg.data"] = VerifierDiagnosticIds.InvalidShift,
        ["rsh64-imm-high.data"] = VerifierDiagnosticIds.InvalidShift,
        ["rsh64-imm-neg.data"] = VerifierDiagnosticIds.InvalidShift,
        ["callx.data"] = VerifierDiagnosticIds.UnsupportedInstruction,
    };

    public static TheoryData<string> ConformanceTests => TestPaths.SharedFiles(Suite + "/tests", "*.data");

    [Theory]
    [MemberData(nameof(ConformanceTests))]
    public void Conformance_test_gets_the_kernels_verdict(string name)
    {
        var path = TestPaths.RequireShared(Suite, "tests", name);
        var file = ProgramFile.Load(path);
        var result = Verifier.Verify(file.Instructions, new VerifierOptions { MemorySize = file.Memory?.Length ?? 0 });
        if (ConformanceRejected.TryGetValue(name, out var id))
        {
            Assert.False(result.Accepted, $"{name} should be rejected ({id}) as Linux does");
            Assert.Equal(id, result.Errors[0].Id);
        }
        else
        {
            Assert.True(result.Accepted, $"{name}: {string.Join("\n", result.Errors.Select(e => e.Explain()))}");
        }
    }

    [Fact]
    public void The_rejected_conformance_tests_are_the_ones_linux_rejects()
    {
        var index = TestPaths.RequireShared(Suite, "tests_index.tsv");
        var lines = File.ReadAllLines(index);
        int column = Array.IndexOf(lines[0].Split('\t'), "linux_6.18_xdp");
        var linuxRejects = lines.Skip(1).Select(l => l.Split('\t')).Where(f => f[column] != "PASS").Select(f => f[0]).Order().ToList();
        Assert.Equal(linuxRejects, ConformanceRejected.Keys.Order().ToList());
    }

    // ---- objects

    /// <summary>Programs that need the kernel's BTF (typed pointers, kfuncs, __ksym): not verified yet.</summary>
    private static readonly HashSet<string> NeedsKernelBtf =
        ["fork_direct", "exec_direct", "fork_kfuncs", "switch_runqueues", "fentry_unlinkat", "fexit_unlinkat"];

    public static TheoryData<string> Objects() =>
        new(Directory.EnumerateFiles(Path.Combine(TestPaths.Data, "objects"), "*.o").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Objects))]
    public void Object_programs_are_accepted_as_the_kernel_accepts_them(string name)
    {
        var collection = CollectionLoader.Load(Path.Combine(TestPaths.Data, "objects", name));
        foreach (var program in collection.Programs.Values)
        {
            // The kernel loads these as root: verify with a privileged loader's rules.
            var result = Verifier.Verify(program, collection, new VerifierOptions { Privileged = true });
            if (NeedsKernelBtf.Contains(program.Name))
            {
                Assert.False(result.Accepted);
                Assert.Contains(result.Errors[0].Id, new[] { VerifierDiagnosticIds.UnsupportedProgramType, VerifierDiagnosticIds.UnsupportedInstruction });
                continue;
            }
            Assert.True(result.Accepted, $"{name} {program.Name}: {string.Join("\n", result.Errors.Select(e => e.Explain()))}");
            Assert.True(result.Stats.ProcessedInstructions < 20_000, $"{program.Name}: {result.Stats}");
        }
    }

    [Fact]
    public void Unprivileged_rules_reject_a_pointer_handed_to_a_helper_as_data()
    {
        // bpf_printk with more than three arguments stores a %s pointer in the data array of
        // bpf_trace_vprintk: fine for root, a pointer leak without CAP_BPF/CAP_PERFMON.
        var collection = CollectionLoader.Load(Path.Combine(TestPaths.Data, "objects", "global_data.o"));
        var result = Verifier.Verify(collection.Programs["tp_kconfig"], collection);
        Assert.False(result.Accepted);
        Assert.Equal(VerifierDiagnosticIds.PointerLeak, result.Errors[0].Id);
        Assert.Contains("bpf_trace_vprintk", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("bpf_printk(\"syscall=%d", result.Errors[0].Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Object_maps_and_data_become_typed_pointers()
    {
        var collection = CollectionLoader.Load(Path.Combine(TestPaths.Data, "objects", "global_data.o"));
        var result = Verifier.Verify(collection.Programs["xdp_globals"], collection, new VerifierOptions { TraceLog = true });
        Assert.True(result.Accepted, string.Join("\n", result.Errors.Select(e => e.Explain())));
        // .rodata is frozen: `sample_every` reads as the constant 16 it was compiled with.
        Assert.Contains(result.Log, l => l.Contains("map_value(.rodata", StringComparison.Ordinal));
        Assert.Contains(result.Log, l => l.Contains("map_value(.bss", StringComparison.Ordinal));
    }

    // ---- the benchmark programs of ../shared/bench

    public static TheoryData<string> BenchPrograms =>
        TestPaths.SharedFiles("bench/bytecode", "*.hex", n => !n.StartsWith("pkt1500", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(BenchPrograms))]
    public void Bench_program_verifies_as_xdp_and_in_the_memory_convention(string name)
    {
        var body = ProgramFile.Load(TestPaths.RequireShared("bench", "bytecode", name)).Instructions;
        var xdp = Verifier.Verify(MemoryConvention.AsXdp(body, 1500), new VerifierOptions { ProgramType = ProgramType.Xdp });
        Assert.True(xdp.Accepted, $"{name} as XDP: {string.Join("\n", xdp.Errors.Select(e => e.Explain()))}");
        var mem = Verifier.Verify(body, new VerifierOptions { MemorySize = 1500 });
        Assert.True(mem.Accepted, $"{name} in the memory convention: {string.Join("\n", mem.Errors.Select(e => e.Explain()))}");
        // Widening keeps the work far below the kernel's, which walks every iteration (fnv1a: 12,013 insns; arith_loop: > 1M).
        Assert.True(xdp.Stats.ProcessedInstructions < 5_000, xdp.Stats.ToString());
        Assert.True(mem.Stats.ProcessedInstructions < 5_000, mem.Stats.ToString());
    }

    [Theory]
    [InlineData("fnv1a.hex", 1500L)]
    [InlineData("arith_loop_10k.hex", 10_000L)]
    [InlineData("arith_loop.hex", 1_000_000L)]
    public void Bench_loops_get_their_exact_bound(string name, long iterations)
    {
        var body = ProgramFile.Load(TestPaths.RequireShared("bench", "bytecode", name)).Instructions;
        var result = Verifier.Verify(body, new VerifierOptions { MemorySize = 1500 });
        Assert.True(result.Accepted);
        var loop = Assert.Single(result.Facts.Loops);
        Assert.Equal(iterations, loop.MaxIterations);
        // One more iteration than the limit allows: rejected as unbounded, with the count.
        var tight = Verifier.Verify(body, new VerifierOptions { MemorySize = 1500, MaxLoopIterations = iterations - 1 });
        Assert.False(tight.Accepted);
        Assert.Equal(VerifierDiagnosticIds.UnboundedLoop, tight.Errors[0].Id);
        Assert.Contains($"({iterations} iterations, more than the limit of {iterations - 1})", tight.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pkt_parse_needs_its_length_known_in_the_memory_convention()
    {
        // Its checks compare the length with sums of header fields (len < off + ihl + 8): relations a
        // non-relational domain does not keep. With the length unknown one access is not proven.
        var body = ProgramFile.Load(TestPaths.RequireShared("bench", "bytecode", "pkt_parse.hex")).Instructions;
        var result = Verifier.Verify(body, new VerifierOptions());
        Assert.False(result.Accepted);
        Assert.Equal(VerifierDiagnosticIds.OutOfBounds, result.Errors[0].Id);
        Assert.Contains("of the input buffer (known to have at least", result.Errors[0].Message, StringComparison.Ordinal);
    }
}
