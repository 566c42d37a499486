using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using SharpBpf.Linux.Events;

namespace SharpBpf.EventsBench;

/// <summary>How a round is run: fill then drain (the consumer alone), or produce and consume at once.</summary>
internal enum Mode
{
    /// <summary>The ring is filled first (not timed); the timed part is consuming every record: ring_buffer__consume / Consume.</summary>
    Drain,

    /// <summary>A thread produces while the consumer polls (ring_buffer__poll / Poll, 100 ms); timed from the first record produced to the last consumed.</summary>
    Stream,
}

/// <summary>One measured round: records consumed, the wall-clock time it took and the consuming thread's CPU time.</summary>
internal readonly record struct Round(long Records, long Nanoseconds, long CpuNanoseconds)
{
    public double RecordsPerSecond => Records * 1e9 / Nanoseconds;

    public double CpuNanosecondsPerRecord => (double)CpuNanoseconds / Records;
}

/// <summary>clock_gettime(CLOCK_THREAD_CPUTIME_ID): what the C consumer reads too.</summary>
internal static partial class ThreadClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGettime(int clock, out Timespec time);

    public static long Nanoseconds()
    {
        ClockGettime(ClockThreadCpuTimeId, out var t);
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }
}

/// <summary>What a consumer did over several rounds, and the sum of the sequence numbers it saw (each record once).</summary>
internal sealed record Trial(IReadOnlyList<Round> Rounds, ulong SequenceSum);

/// <summary>SharpBpf's side: <see cref="RingBufferReader"/> in this process, doing what the C consumer does.</summary>
internal static class SharpBpfConsumer
{
    // The work the C handler does too: count the record and read its first 8 bytes.
    private struct Tally : IRingBufferRecordHandler
    {
        public long Count;
        public ulong Sum;

        public void Handle(int ring, ReadOnlySpan<byte> record)
        {
            Count++;
            Sum += MemoryMarshal.Read<ulong>(record);
        }
    }

    private sealed class TallyBox
    {
        public Tally Value;
    }

    /// <summary>Runs the rounds with a struct handler (<paramref name="inlined"/>) or a delegate, the reader's two ways.</summary>
    public static Trial Run(Producer producer, Mode mode, long records, int rounds, int batch, bool inlined)
    {
        using var reader = new RingBufferReader(producer.Ring);
        var box = new TallyBox();
        ref var tally = ref box.Value;
        RingBufferRecordHandler handler = (ring, record) => box.Value.Handle(ring, record);
        var result = new List<Round>();
        ulong sum = 0;
        for (int round = 0; round < rounds; round++)
        {
            tally.Count = 0;
            tally.Sum = 0;
            long ticks, cpu;
            if (mode == Mode.Stream)
            {
                var watch = Stopwatch.StartNew();
                long cpuStart = ThreadClock.Nanoseconds();
                var thread = new Thread(() => producer.Produce(records, batch)) { IsBackground = true };
                thread.Start();
                while (tally.Count < records)
                {
                    if (inlined)
                        reader.Poll(TimeSpan.FromMilliseconds(100), ref tally);
                    else
                        reader.Poll(TimeSpan.FromMilliseconds(100), handler);
                }
                ticks = watch.ElapsedTicks;
                cpu = ThreadClock.Nanoseconds() - cpuStart;
                thread.Join();
            }
            else
            {
                producer.Produce(records, batch);
                var watch = Stopwatch.StartNew();
                long cpuStart = ThreadClock.Nanoseconds();
                while (tally.Count < records && (inlined ? reader.Consume(ref tally) : reader.Consume(handler)) > 0)
                {
                }
                ticks = watch.ElapsedTicks;
                cpu = ThreadClock.Nanoseconds() - cpuStart;
            }
            result.Add(new Round(tally.Count, (long)(ticks * (1e9 / Stopwatch.Frequency)), cpu));
            sum += tally.Sum;
        }
        return new Trial(result, sum);
    }
}

/// <summary>libbpf's side: ringbuf_consumer.c, run as a child process on the pinned ring and program.</summary>
internal static class LibbpfConsumer
{
    public static Trial Run(string binary, Producer producer, Mode mode, long records, int rounds, int batch)
    {
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            producer.RingPin, producer.ProgramPin, mode == Mode.Stream ? "stream" : "drain",
            records.ToString(CultureInfo.InvariantCulture), rounds.ToString(CultureInfo.InvariantCulture), batch.ToString(CultureInfo.InvariantCulture),
        })
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {binary}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{binary} exited with {process.ExitCode}: {stderr.Result.Trim()}");
        var result = new List<Round>();
        ulong sum = 0;
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            if (parts[0] == "round")
                result.Add(new Round(long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture)));
            else if (parts[0] == "sum")
                sum = ulong.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        return new Trial(result, sum);
    }
}
