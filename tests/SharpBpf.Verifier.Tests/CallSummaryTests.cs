using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Formatting;
using Xunit;

namespace SharpBpf.Verifier.Tests;

/// <summary>
/// Function summaries: a call whose arguments an earlier call's cover reuses that call's results
/// instead of exploring the callee again. Every caller must still get every result, and a caller
/// the callee could see or change must not share.
/// </summary>
public sealed class CallSummaryTests
{
    // Two paths into the same call, differing only in r7 (which the callee cannot see).
    private const string TwoCallers = """
        r6 = *(u32 *)(r1 + 16)
        r7 = 0
        if r6 > 5 goto +1
        r7 = 1
        r1 = 3
        call pc+{0}
        {1}
        r0 = 0
        exit
        {2}
        r0 = r1
        r0 += 1
        exit
        """;

    private static VerificationResult Verify(string text, bool trace = false) =>
        Verifier.Verify(Assembler.Assemble(text, AsmSyntax.Llvm), new VerifierOptions { ProgramType = ProgramType.Xdp, TraceLog = trace });

    private static string Program(string afterCall, string bad)
    {
        int skip = afterCall.Split('\n').Length + 2 + bad.Split('\n').Length;
        return TwoCallers.Replace("{0}", skip.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Replace("{1}", afterCall).Replace("{2}", bad);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Every_caller_continues_with_the_callee_result(int badWhen)
    {
        // Whichever path explores the callee and whichever reuses it, the bad path after the call is found.
        var result = Verify(Program($"if r7 == {badWhen} goto +2", "r0 = *(u64 *)(r10 - 8)\nexit"));
        Assert.False(result.Accepted);
        Assert.Equal(VerifierDiagnosticIds.UninitializedStack, result.Errors[0].Id);
        Assert.Equal(9, result.Errors[0].Pc);
    }

    [Fact]
    public void The_reused_result_is_exact_and_the_callee_runs_once()
    {
        // r0 = 4 on both paths: the comparison is decided and the bad read is never reached.
        var result = Verify(Program("if r0 != 4 goto +2", "r0 = *(u64 *)(r10 - 8)\nexit"), trace: true);
        Assert.True(result.Accepted, result.Errors.Count > 0 ? result.Errors[0].Explain() : "");
        Assert.Equal(1, result.Log.Count(l => l.StartsWith("11:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Different_arguments_are_explored_apart()
    {
        // The second path passes 4: its result (5) must not be taken from the call with 3.
        var result = Verify("""
            r6 = *(u32 *)(r1 + 16)
            r1 = 3
            if r6 > 5 goto +1
            r1 = 4
            call pc+5
            if r0 != 5 goto +2
            r0 = *(u64 *)(r10 - 8)
            exit
            r0 = 0
            exit
            r0 = r1
            r0 += 1
            exit
            """);
        Assert.False(result.Accepted);
        Assert.Equal(6, result.Errors[0].Pc);
    }

    [Fact]
    public void A_callee_given_a_pointer_to_its_callers_stack_is_explored_for_each()
    {
        // The callee initialises the caller's fp-8 through its argument: each caller needs that
        // write in its own state, so the calls cannot share (a shared result would leave fp-8
        // unwritten for the second caller, and its read would be refused).
        var result = Verify("""
            r6 = *(u32 *)(r1 + 16)
            r7 = 0
            if r6 > 5 goto +1
            r7 = 1
            r1 = r10
            r1 += -8
            call pc+3
            r0 = *(u64 *)(r10 - 8)
            r0 = r7
            exit
            r2 = 1
            *(u64 *)(r1 + 0) = r2
            r0 = 0
            exit
            """);
        Assert.True(result.Accepted, result.Errors.Count > 0 ? result.Errors[0].Explain() : "");
    }
}
