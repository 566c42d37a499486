using System.Diagnostics;
using SharpBpf.Core;
using SharpBpf.Core.Diagnostics;
using SharpBpf.Core.Files;
using SharpBpf.Runtime.Jit;
using SharpBpf.TestKit;
using SharpBpf.Verifier;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>
/// JIT safety: mutants of real programs (the conformance suite and the benchmarks, with slots'
/// bytes flipped, slots swapped, duplicated or dropped) go through the JIT, verified or not,
/// with a budget, on random buffers. The process must survive every one (no access outside the
/// run's memory), and every run must equal the interpreter's.
/// </summary>
public sealed class JitFuzzTests
{
    [Fact]
    public void Mutated_programs_never_escape_and_agree_with_the_interpreter()
    {
        var seeds = new List<Instruction[]>();
        foreach (string dir in new[] { TestPaths.RequireShared("conformance", "bpf_conformance", "tests"), TestPaths.RequireShared("bench", "data") })
        {
            foreach (string f in Directory.EnumerateFiles(dir, "*.data").Order(StringComparer.Ordinal))
            {
                try
                {
                    var program = ProgramFile.Load(f).Instructions;
                    if (program.Length <= 4096)
                        seeds.Add(program);
                }
                catch (BpfFormatException)
                {
                    // Files the suite expects to be rejected.
                }
            }
        }
        Assert.NotEmpty(seeds);
        var random = new Random(5);
        var clock = Stopwatch.StartNew();
        int runs = 0, compiled = 0, verified = 0;
        while (runs < 2_500 && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            var program = Mutate(seeds[random.Next(seeds.Count)], random);
            var memory = new byte[random.Next(0, 80)];
            random.NextBytes(memory);
            runs++;
            if (JitDifferential.AssertSame(program, memory, 20_000, JitDifferential.Helpers()) is not null)
                compiled++;
            var vopts = new VerifierOptions { MemorySize = memory.Length };
            VerificationResult verdict;
            try
            {
                verdict = Verifier.Verifier.Verify(program, vopts);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                continue; // the verifier's own robustness is its tests' business
            }
            if (!verdict.Accepted)
                continue;
            verified++;
            JitDifferential.AssertSame(program, memory, 20_000, JitDifferential.Helpers(), JitOptions.FromVerification(program, verdict, vopts));
            // Proven for this size, run on a shorter buffer: the checked copy runs.
            if (memory.Length > 0)
                JitDifferential.AssertSame(program, memory[..^1], 20_000, JitDifferential.Helpers(), JitOptions.FromVerification(program, verdict, vopts));
        }
        Assert.True(runs >= 500, $"only {runs} mutants in the time budget");
        Assert.True(compiled > runs / 10, $"only {compiled} of {runs} mutants were valid programs");
        Assert.True(verified > 0, "no mutant verified");
    }

    private static Instruction[] Mutate(Instruction[] seed, Random random)
    {
        var slots = new List<ulong>(seed.Select(i => i.RawValue));
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && slots.Count > 0; e++)
        {
            int k = random.Next(slots.Count);
            switch (random.Next(6))
            {
                case 0:
                case 1:
                    slots[k] ^= 1UL << random.Next(64);
                    break;
                case 2:
                    // A field replaced: registers, offset or immediate.
                    ulong mask = random.Next(3) switch { 0 => 0xff00UL, 1 => 0xffff_0000UL, _ => 0xffff_ffff_0000_0000UL };
                    slots[k] = (slots[k] & ~mask) | ((ulong)random.NextInt64() & mask);
                    break;
                case 3:
                    int other = random.Next(slots.Count);
                    (slots[k], slots[other]) = (slots[other], slots[k]);
                    break;
                case 4:
                    slots.Insert(k, slots[k]);
                    break;
                default:
                    if (slots.Count > 1)
                        slots.RemoveAt(k);
                    break;
            }
        }
        return [.. slots.Select(Instruction.FromRaw)];
    }
}
