using System.Diagnostics;
using System.Runtime.CompilerServices;
using SharpBpf.Runtime;
using SharpBpf.Runtime.Interpreter;

namespace SharpBpf.Bench;

/// <summary>
/// The comparison's own timing loop, the same method as the uBPF reference figures: calibrate
/// the runs per batch so one batch takes at least 30 ms, time 11 batches, take the median.
/// </summary>
internal static class InterpreterTimer
{
    public const int Batches = 11;
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(0.5);
    public static readonly TimeSpan MinBatch = TimeSpan.FromMilliseconds(30);

    /// <summary>The measurement of one program.</summary>
    public readonly record struct Timing(double NsPerRun, long Instructions, ulong Result, string? Error, long RunsPerBatch);

    /// <summary>
    /// Runs the program repeatedly on one buffer and one <see cref="MemoryMap"/> (what a caller
    /// that runs a program per packet does); returns the median ns per run and the last run's
    /// result and instruction count.
    /// </summary>
    public static Timing Measure(BpfInterpreter interpreter, byte[]? memory)
    {
        var buffer = memory is null ? null : (byte[])memory.Clone();
        var map = new MemoryMap();
        ExecutionResult last = interpreter.Run(buffer, map);
        if (last.Error is not null)
            return new Timing(double.NaN, last.Instructions, 0, last.Error.ToString(), 0);

        // Warm up (tiered JIT, caches, branch predictors) and learn the cost of one run.
        long runs = 0;
        var clock = Stopwatch.StartNew();
        for (long chunk = 1; clock.Elapsed < WarmUp; chunk = Math.Min(chunk * 2, 1 << 16))
        {
            RunMany(interpreter, buffer, map, chunk);
            runs += chunk;
        }
        double nsGuess = clock.Elapsed.TotalNanoseconds / runs;
        long perBatch = Math.Max(1, (long)Math.Ceiling(MinBatch.TotalNanoseconds / nsGuess));

        var samples = new double[Batches];
        for (int b = 0; b < Batches; b++)
        {
            long start = Stopwatch.GetTimestamp();
            last = RunMany(interpreter, buffer, map, perBatch);
            samples[b] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / perBatch;
        }
        Array.Sort(samples);
        return new Timing(samples[Batches / 2], last.Instructions, last.ReturnValue, last.Error?.ToString(), perBatch);
    }

    // The timed loop, in its own method and fully optimized from the start: as a loop inside
    // Measure it would run as on-stack-replacement code of a Tier0 method, which costs a few ns
    // per call and made the 2-instruction program look 50% slower than it is.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static ExecutionResult RunMany(BpfInterpreter interpreter, byte[]? buffer, MemoryMap map, long n)
    {
        ExecutionResult last = default;
        for (long i = 0; i < n; i++)
            last = interpreter.Run(buffer, map);
        return last;
    }
}
