using CsCheck;
using SharpBpf.Core;
using SharpBpf.Runtime;
using SharpBpf.Runtime.Conformance;
using SharpBpf.Runtime.Interpreter;
using SharpBpf.Runtime.Jit;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>
/// The kernel as a third engine (<see cref="KernelMemoryRunner"/>: loaded as XDP, test-run, r0 on
/// 64 bits): the conformance suite and random verifiable programs give the kernel's JIT, our
/// interpreter and our JIT the same r0 and the same buffer afterwards.
/// </summary>
public sealed class KernelEngineTests
{
    /// <summary>The suite's programs the kernel's verifier refuses: shifts by out-of-range immediates.</summary>
    private static readonly string[] KernelRejects =
    [
        "arsh32-imm-high", "arsh32-imm-neg", "arsh64-imm-high", "arsh64-imm-neg", "lsh32-imm-high", "lsh32-imm-neg",
        "lsh64-imm-high", "lsh64-imm-neg", "rsh32-imm-high", "rsh32-imm-neg", "rsh64-imm-high", "rsh64-imm-neg",
    ];

    [Fact]
    public void Conformance_suite_on_the_kernel_equals_the_interpreter()
    {
        Kernel.Require();
        var files = ConformanceRunner.ExpandPaths([TestPaths.RequireShared("conformance", "bpf_conformance", "tests")]);
        int passed = 0;
        var rejected = new List<string>();
        foreach (var f in files)
        {
            var r = ConformanceRunner.RunFile(f, (program, memory) =>
            {
                var k = KernelMemoryRunner.Run(program, memory is null ? null : (byte[])memory.Clone());
                if (!k.Ran)
                    return new ExternalRun(0, k.Rejection);
                var interpMemory = memory is null ? null : (byte[])memory.Clone();
                var expected = BpfInterpreter.Create(program, HelperRegistry.CreateConformance()).Run(interpMemory);
                Assert.Null(expected.Error);
                Assert.Equal(expected.ReturnValue, k.ReturnValue);
                Assert.Equal(interpMemory, k.Memory);
                return new ExternalRun(k.ReturnValue);
            });
            Assert.True(r.Outcome != ConformanceOutcome.Failed, $"{f}: {r.Reason}");
            if (r.Outcome == ConformanceOutcome.Passed)
                passed++;
            else if (r.Reason is { } reason && !reason.Contains("helper", StringComparison.Ordinal) && !reason.Contains("callx", StringComparison.Ordinal))
                rejected.Add(Path.GetFileNameWithoutExtension(f));
        }
        Assert.Equal(KernelRejects, rejected.Order(StringComparer.Ordinal));
        Assert.True(passed >= 290, $"{passed} passed");
    }

    [Fact]
    public void A_rejection_carries_the_kernels_reason()
    {
        Kernel.Require();
        // r0 is read before it is written.
        Instruction[] program = [new(Opcodes.ClassJmp | Opcodes.Exit, 0, 0, 0, 0)];
        var r = KernelMemoryRunner.Run(program, new byte[8]);
        Assert.False(r.Ran);
        Assert.Contains("R0", r.Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_verifiable_programs_agree_on_interpreter_jit_and_kernel()
    {
        Kernel.Require();
        int ran = 0;
        Gen.Select(VerifiableProgramGen.Program, VerifiableProgramGen.Buffer).Sample(t =>
        {
            var (program, buffer) = t;
            var k = KernelMemoryRunner.Run(program, (byte[])buffer.Clone());
            Assert.True(k.Ran, $"the kernel rejected a generated program: {k.Rejection}\n{Describe(program)}");
            ran++;
            var interpMemory = (byte[])buffer.Clone();
            var expected = BpfInterpreter.Create(program, HelperRegistry.CreateConformance()).Run(interpMemory);
            Assert.Null(expected.Error);
            Assert.True(expected.ReturnValue == k.ReturnValue, $"r0: interpreter 0x{expected.ReturnValue:x}, kernel 0x{k.ReturnValue:x}\n{Describe(program)}");
            Assert.True(interpMemory.AsSpan().SequenceEqual(k.Memory), $"buffer differs\n{Describe(program)}");
            using var jit = BpfJit.Compile(program, HelperRegistry.CreateConformance());
            var jitMemory = (byte[])buffer.Clone();
            var j = jit.Run(jitMemory);
            Assert.Equal(expected, j);
            Assert.Equal(interpMemory, jitMemory);
        }, iter: 300, threads: 1);
        Assert.Equal(300, ran);
    }

    private static string Describe(Instruction[] program) =>
        string.Join("\n", program.Select((insn, pc) => $"{pc,4}: {insn}"));
}
