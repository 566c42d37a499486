using CsCheck;
using SharpBpf.Core;
using SharpBpf.Core.Files;
using SharpBpf.Runtime.Interpreter;
using SharpBpf.Runtime.Jit;
using SharpBpf.TestKit;
using SharpBpf.Verifier;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>
/// The optimizations that change what code is emitted, each against the interpreter: dropping
/// the checks our verifier proved (on programs it accepts), constant folding (on and off), and
/// the test-run loop.
/// </summary>
public sealed class JitVerifiedDifferentialTests
{
    private static readonly VerifierOptions Memory64 = new() { MemorySize = VerifiableProgramGen.BufferSize };

    [Fact]
    public void Verified_programs_with_proven_accesses_agree_with_the_interpreter()
    {
        int accepted = 0, proven = 0;
        Gen.Select(VerifiableProgramGen.Program, VerifiableProgramGen.Buffer).Sample(t =>
        {
            var (program, buffer) = t;
            var verdict = Verifier.Verifier.Verify(program, Memory64);
            if (!verdict.Accepted)
                return;
            accepted++;
            var options = JitOptions.FromVerification(program, verdict, Memory64);
            proven += options.ProvenAccesses!.Count(p => p);
            JitDifferential.AssertSame(program, buffer, 100_000, HelperRegistry.CreateConformance(), options);
            JitDifferential.AssertSame(program, buffer, 100_000, HelperRegistry.CreateConformance(), options with { FoldConstants = false });
        }, iter: 3_000);
        // The generator makes programs the verifier accepts, with accesses it proves.
        Assert.True(accepted > 2_000, $"only {accepted} of 3000 programs verified");
        Assert.True(proven > accepted, $"only {proven} proven accesses in {accepted} programs");
    }

    [Fact]
    public void Random_programs_agree_without_constant_folding()
    {
        var options = new JitOptions { FoldConstants = false };
        Gen.Select(InstructionGen.Program, Gen.Byte.Array[0, 64]).Sample(t =>
            JitDifferential.AssertSame(t.Item1, t.Item2, 10_000, JitDifferential.Helpers(), options), iter: 5_000);
    }

    [Fact]
    public void Runs_that_break_the_proofs_assumptions_run_checked_code()
    {
        // Proven for a 64-byte buffer: a 16-byte buffer must fault at the load, as in the interpreter.
        Instruction[] program =
        [
            new(Opcodes.ClassLdx | Opcodes.ModeMem | Opcodes.SizeDW, 0, 1, 56, 0),
            new(Opcodes.ClassJmp | Opcodes.Exit, 0, 0, 0, 0),
        ];
        var verdict = Verifier.Verifier.Verify(program, Memory64);
        Assert.True(verdict.Accepted);
        var options = JitOptions.FromVerification(program, verdict, Memory64);
        Assert.True(options.ProvenAccesses![0]);
        Assert.True(options.AssumesBuffer);
        var outcome = JitDifferential.AssertSame(program, new byte[16], 100, HelperRegistry.CreateConformance(), options);
        Assert.Equal(RuntimeErrorKind.OutOfBounds, outcome!.Value.Result.Error!.Kind);
        // The right size runs the proven code.
        var full = new byte[64];
        full[56] = 0x2a;
        Assert.Equal(0x2aUL, JitDifferential.AssertSame(program, full, 100, HelperRegistry.CreateConformance(), options)!.Value.Result.ReturnValue);
    }

    [Fact]
    public void Straight_line_code_on_constants_folds_to_its_result()
    {
        var file = ProgramFile.Load(TestPaths.RequireShared("bench", "data", "alu_straight.data"));
        using var folded = BpfJit.Compile(file.Instructions, HelperRegistry.CreateConformance());
        using var plain = BpfJit.Compile(file.Instructions, HelperRegistry.CreateConformance(), new JitOptions { FoldConstants = false });
        Assert.Equal(file.ExpectedResult, folded.Run(file.Memory).ReturnValue);
        Assert.Equal(file.ExpectedResult, plain.Run(file.Memory).ReturnValue);
        Assert.Equal(1020, folded.Run(file.Memory).Instructions);
        Assert.True(folded.CodeSize < 256, $"{folded.CodeSize} bytes");
        Assert.True(plain.CodeSize > 3000, $"{plain.CodeSize} bytes");
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("pkt_parse")]
    [InlineData("fnv1a")]
    [InlineData("arith_loop_10k")]
    public void Test_runs_give_the_runs_result(string name)
    {
        var file = ProgramFile.Load(TestPaths.RequireShared("bench", "data", name + ".data"));
        var vopts = new VerifierOptions { MemorySize = file.Memory?.Length };
        var verdict = Verifier.Verifier.Verify(file.Instructions, vopts);
        Assert.True(verdict.Accepted);
        using var jit = BpfJit.Compile(file.Instructions, HelperRegistry.CreateConformance(), JitOptions.FromVerification(file.Instructions, verdict, vopts));
        var expected = BpfInterpreter.Create(file.Instructions, HelperRegistry.CreateConformance()).Run((byte[]?)file.Memory?.Clone());
        foreach (long budget in new[] { 1_000_000_000L, JitProgram.ShortRunBudget })
        {
            jit.InstructionBudget = budget;
            var t = jit.TestRun((byte[]?)file.Memory?.Clone(), new MemoryMap(), 50);
            Assert.Equal(50, t.Runs);
            Assert.Equal(expected, t.Result);
            Assert.True(t.NanosecondsPerRun > 0);
        }
    }

    [Fact]
    public void A_test_run_stops_at_the_first_fault()
    {
        // r0 = *(u64 *)(r1 + 0): faults on an empty buffer.
        Instruction[] program =
        [
            new(Opcodes.ClassLdx | Opcodes.ModeMem | Opcodes.SizeDW, 0, 1, 0, 0),
            new(Opcodes.ClassJmp | Opcodes.Exit, 0, 0, 0, 0),
        ];
        using var jit = BpfJit.Compile(program);
        var t = jit.TestRun(new byte[4], null, 1000);
        Assert.Equal(1, t.Runs);
        Assert.Equal(RuntimeErrorKind.OutOfBounds, t.Result.Error!.Kind);
    }
}
