using System.Globalization;
using System.Runtime.InteropServices;
using SharpBpf.Linux;

namespace SharpBpf.EventsBench;

/// <summary>
/// Ring buffer records consumed per second: SharpBpf's <c>RingBufferReader</c> (with a struct
/// handler and with a delegate) beside libbpf's <c>ring_buffer</c> (bench/events/ringbuf_consumer.c,
/// built by run.sh), for 64-byte and 1 KiB records, each way of consuming (drain, stream), all
/// measured in the same run on the same pinned ring and producer program. Prints a markdown
/// table; exits 1 when a record was lost or a consumer saw a record twice or not at all.
/// </summary>
internal static class Program
{
    private sealed record Consumer(string Name, Func<Producer, Mode, long, int, int, Trial> Run)
    {
        public List<Round> Rounds { get; } = [];
    }

    public static int Main(string[] args)
    {
        string? libbpf = null;
        long records64 = 1_000_000, records1k = 100_000;
        int trials = 7, rounds = 3, warmup = 2, batch = 10_000, ringMib = 128;
        Mode[] modes = [Mode.Drain, Mode.Stream];
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--libbpf": libbpf = Next(); break;
                case "--records-64": records64 = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--records-1k": records1k = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--trials": trials = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--ring-mib": ringMib = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--mode": modes = [Enum.Parse<Mode>(Next(), ignoreCase: true)]; break;
                default:
                    Console.Error.WriteLine("usage: SharpBpf.EventsBench [--libbpf PATH] [--records-64 N] [--records-1k N] [--trials N] [--rounds N] [--batch N] [--ring-mib N] [--mode drain|stream]");
                    return 2;
            }
        }
        if (libbpf is not null && !File.Exists(libbpf))
        {
            Console.Error.WriteLine($"{libbpf}: no such file (run.sh builds it)");
            return 2;
        }

        Console.WriteLine($"Linux {LinuxKernel.Release}, {Environment.ProcessorCount} CPUs, {RuntimeInformation.FrameworkDescription}, load average {LoadAverage()} at the start; " +
            $"ring {ringMib} MiB; {trials} trials per consumer, taking turns, each {warmup} warm-up + {rounds} measured rounds; {batch} program runs per BPF_PROG_TEST_RUN.");
        Console.WriteLine("Records/s: median of the measured rounds (best round in brackets); CPU ns/record: median of the consuming thread's CPU time per record.");
        Console.WriteLine();
        Console.WriteLine("| record | mode | records/round | SharpBpf records/s | SharpBpf, delegate | libbpf records/s | SharpBpf / libbpf | delegate / libbpf | CPU ns/record: SharpBpf, delegate, libbpf | lost |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        bool ok = true;
        foreach (var (size, records) in new[] { (64, records64), (1024, records1k) })
        {
            long recordBytes = (size + 8 + 7) & ~7;
            if (records * recordBytes >= (long)ringMib << 20)
            {
                Console.Error.WriteLine($"{records} records of {size} bytes do not fit a {ringMib} MiB ring: drain rounds would drop");
                return 2;
            }
            using var producer = Producer.Create(size, (long)ringMib << 20);
            foreach (var mode in modes)
            {
                var consumers = new List<Consumer>
                {
                    new("SharpBpf", (p, m, n, r, b) => SharpBpfConsumer.Run(p, m, n, r, b, inlined: true)),
                    new("SharpBpf (delegate)", (p, m, n, r, b) => SharpBpfConsumer.Run(p, m, n, r, b, inlined: false)),
                };
                if (libbpf is not null)
                    consumers.Add(new("libbpf", (p, m, n, r, b) => LibbpfConsumer.Run(libbpf, p, m, n, r, b)));
                // Trials take turns, the order rotating, so drift on a shared machine hits every consumer alike.
                for (int trial = 0; trial < trials; trial++)
                {
                    for (int turn = 0; turn < consumers.Count; turn++)
                    {
                        var consumer = consumers[(trial + turn) % consumers.Count];
                        ulong first = producer.NextSequence;
                        var result = consumer.Run(producer, mode, records, warmup + rounds, batch);
                        // Every record consumed once: the sequence numbers seen add up to those produced.
                        ulong expected = Sum(first, producer.NextSequence);
                        if (!result.Rounds.All(r => r.Records == records) || result.SequenceSum != expected)
                        {
                            Console.Error.WriteLine($"{consumer.Name} {size} B {mode}: rounds {string.Join(',', result.Rounds.Select(r => r.Records))}, sequence sum {result.SequenceSum} != {expected}");
                            ok = false;
                        }
                        consumer.Rounds.AddRange(result.Rounds.Skip(warmup));
                    }
                }
                ulong lost = producer.Dropped;
                ok &= lost == 0;
                double[] rates = [.. consumers.Select(c => Median(c.Rounds, r => r.RecordsPerSecond))];
                double[] best = [.. consumers.Select(c => c.Rounds.Count == 0 ? double.NaN : c.Rounds.Max(r => r.RecordsPerSecond))];
                double[] cpu = [.. consumers.Select(c => Median(c.Rounds, r => r.CpuNanosecondsPerRecord))];
                string Cell(int i) => i < consumers.Count ? $"{Rate(rates[i])} ({Rate(best[i])})" : "not run";
                string Ratio(int i) => consumers.Count < 3 ? "" : string.Create(CultureInfo.InvariantCulture, $"{rates[i] / rates[2]:F2}x ({best[i] / best[2]:F2}x)");
                string cpus = string.Join(", ", cpu.Select(c => c.ToString("F1", CultureInfo.InvariantCulture)));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {(size == 64 ? "64 B" : "1 KiB")} | {mode.ToString().ToLowerInvariant()} | {records:N0} | {Cell(0)} | {Cell(1)} | {Cell(2)} | {Ratio(0)} | {Ratio(1)} | {cpus} | {lost} |"));
            }
        }
        return ok ? 0 : 1;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static ulong Sum(ulong first, ulong end) => end <= first ? 0 : (end - first) * (first + end - 1) / 2;

    private static double Median(List<Round> rounds, Func<Round, double> measure)
    {
        var values = rounds.Select(measure).Order().ToArray();
        return values.Length == 0 ? double.NaN : values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
    }

    private static string Rate(double perSecond) => perSecond switch
    {
        double.NaN => "-",
        >= 1e6 => (perSecond / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " M",
        _ => (perSecond / 1e3).ToString("F0", CultureInfo.InvariantCulture) + " k",
    };
}
