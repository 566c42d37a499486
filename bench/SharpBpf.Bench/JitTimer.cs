using SharpBpf.Core;
using SharpBpf.Runtime;
using SharpBpf.Runtime.Jit;
using SharpBpf.Verifier;

namespace SharpBpf.Bench;

/// <summary>
/// Our JIT the way kernel_bench.py measures the Linux JIT: verified first (the memory convention
/// with the buffer's size, as the kernel's XDP prolog proves its 1500 bytes), then
/// <see cref="JitProgram.TestRun"/> (BPF_PROG_TEST_RUN's loop: one call of the compiled code per
/// run, setup hoisted) with a repeat calibrated to >= 30 ms, median of the trials.
/// </summary>
internal static class JitTimer
{
    /// <summary>The measurement of one program: ns/run (median), the repeat used, the last result, and what verification proved.</summary>
    public readonly record struct Timing(double NsPerRun, int Repeat, ExecutionResult Last, string? Error, int Proven, int Accesses, int CodeSize);

    public static Timing Measure(Instruction[] program, byte[]? memory, int trials, int minRepeat, bool verify, bool fold)
    {
        var options = new JitOptions { FoldConstants = fold };
        int proven = 0, accesses = 0;
        if (verify)
        {
            var vopts = new VerifierOptions { MemorySize = memory?.Length };
            var verdict = Verifier.Verifier.Verify(program, vopts);
            if (!verdict.Accepted)
                return new Timing(double.NaN, 0, default, "rejected by our verifier: " + verdict.Errors[0].Message, 0, 0, 0);
            options = JitOptions.FromVerification(program, verdict, vopts) with { FoldConstants = fold };
            foreach (var insn in program)
            {
                if (OpcodeTable.KindOf(insn.Opcode) is InstructionKind.Load or InstructionKind.LoadSx or InstructionKind.Store or InstructionKind.StoreImm or InstructionKind.Atomic)
                    accesses++;
            }
            foreach (bool p in options.ProvenAccesses!)
                proven += p ? 1 : 0;
        }
        using var jit = BpfJit.Compile(program, HelperRegistry.CreateConformance(), options);
        // The kernel's verifier proves termination and test_run needs no budget; ours bounds the
        // run (a budget this small also lets loops run without the GC transition).
        jit.InstructionBudget = JitProgram.ShortRunBudget;
        var buffer = memory is null ? null : (byte[])memory.Clone();
        var map = new MemoryMap();
        var first = jit.TestRun(buffer, map, 1);
        if (first.Result.Error is not null)
            return new Timing(double.NaN, 0, first.Result, first.Result.Error.ToString(), proven, accesses, jit.CodeSize);
        // Calibrate as kernel_bench.py does: one trial >= 30 ms.
        int repeat = 1;
        while (true)
        {
            var t = jit.TestRun(buffer, map, repeat);
            if (t.NanosecondsPerRun * repeat >= 30_000_000 || repeat >= 10_000_000)
                break;
            repeat *= t.NanosecondsPerRun * repeat < 3_000_000 ? 10 : 2;
        }
        repeat = Math.Max(repeat, minRepeat);
        var samples = new double[trials];
        JitTestRun last = default;
        for (int k = 0; k < trials; k++)
        {
            last = jit.TestRun(buffer, map, repeat);
            samples[k] = last.NanosecondsPerRun;
        }
        Array.Sort(samples);
        return new Timing(samples[trials / 2], repeat, last.Result, last.Result.Error?.ToString(), proven, accesses, jit.CodeSize);
    }
}
