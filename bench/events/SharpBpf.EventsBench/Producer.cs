using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Linux;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.EventsBench;

/// <summary>
/// The one producer both consumers read: a socket filter that, each time BPF_PROG_TEST_RUN runs
/// it, reserves a record in the ring, writes a sequence number in its first 8 bytes and submits
/// it, counting in <see cref="Drops"/> what the ring had no room for. A socket filter rather than
/// XDP: a repeated XDP test run swaps the XDP dispatcher (an RCU grace period) around every call.
/// The ring, the program and the counters are pinned so that the libbpf consumer, another
/// process, opens the very same objects.
/// </summary>
internal sealed class Producer : IDisposable
{
    private static readonly byte[] Packet = new byte[64];

    private Producer(int recordSize, KernelMap ring, KernelMap sequence, KernelMap drops, KernelProgram program, string pinDirectory)
    {
        RecordSize = recordSize;
        Ring = ring;
        Sequence = sequence;
        Drops = drops;
        Program = program;
        PinDirectory = pinDirectory;
    }

    public int RecordSize { get; }

    public KernelMap Ring { get; }

    public KernelMap Sequence { get; }

    public KernelMap Drops { get; }

    public KernelProgram Program { get; }

    public string PinDirectory { get; }

    public string RingPin => Path.Combine(PinDirectory, "ring");

    public string ProgramPin => Path.Combine(PinDirectory, "producer");

    public static Producer Create(int recordSize, long ringBytes)
    {
        BpfFs.EnsureMounted();
        string pins = Path.Combine(BpfFs.DefaultPath, $"sharpbpf-bench-events-{Environment.ProcessId}-{recordSize}");
        Directory.CreateDirectory(pins);
        var ring = KernelMap.Create(Spec(MapType.Ringbuf, 0, 0, (uint)ringBytes, "bench_ring"));
        var sequence = KernelMap.Create(Spec(MapType.Array, 4, 8, 1, "bench_seq"));
        var drops = KernelMap.Create(Spec(MapType.Array, 4, 8, 1, "bench_drops"));
        string source = $"""
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r2 = r10
            r2 += -4
            ld_pseudo r1, 1, {sequence.Fd.Value}
            call 1
            if r0 == 0 goto out
            r7 = *(u64 *)(r0 + 0)
            r1 = r7
            r1 += 1
            *(u64 *)(r0 + 0) = r1
            ld_pseudo r1, 1, {ring.Fd.Value}
            r2 = {recordSize}
            r3 = 0
            call {HelperIds.IdOf("bpf_ringbuf_reserve")}
            if r0 == 0 goto dropped
            *(u64 *)(r0 + 0) = r7
            r1 = r0
            r2 = 0
            call {HelperIds.IdOf("bpf_ringbuf_submit")}
            r0 = 1
            exit
            dropped:
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r2 = r10
            r2 += -4
            ld_pseudo r1, 1, {drops.Fd.Value}
            call 1
            if r0 == 0 goto out
            r1 = 1
            lock *(u64 *)(r0 + 0) += r1
            out:
            r0 = 0
            exit
            """;
        var program = KernelProgram.Load(ProgramType.SocketFilter, Assembler.Assemble(source), "GPL", new ProgramLoadOptions { Name = "bench_producer" });
        var producer = new Producer(recordSize, ring, sequence, drops, program, pins);
        ring.Pin(producer.RingPin);
        program.Pin(producer.ProgramPin);
        return producer;
    }

    /// <summary>Runs the program <paramref name="records"/> times, <paramref name="batch"/> runs per BPF_PROG_TEST_RUN.</summary>
    public void Produce(long records, int batch)
    {
        while (records > 0)
        {
            int n = (int)Math.Min(records, batch);
            Program.TestRun(new ProgramTestRunOptions { Data = Packet, Repeat = (uint)n });
            records -= n;
        }
    }

    /// <summary>The next sequence number the program will write.</summary>
    public ulong NextSequence => ReadCounter(Sequence);

    /// <summary>Records the ring had no room for, so far.</summary>
    public ulong Dropped => ReadCounter(Drops);

    private static ulong ReadCounter(KernelMap map)
    {
        var value = new byte[8];
        map.TryLookup(new byte[4], value);
        return BitConverter.ToUInt64(value);
    }

    private static MapSpec Spec(MapType type, uint keySize, uint valueSize, uint maxEntries, string name) => new()
    {
        Name = name,
        Type = type,
        KeySize = keySize,
        ValueSize = valueSize,
        MaxEntries = maxEntries,
        Origin = MapOrigin.BtfMaps,
        SectionName = ".maps",
    };

    public void Dispose()
    {
        Program.Unpin();
        Ring.Unpin();
        Directory.Delete(PinDirectory, recursive: true);
        Program.Dispose();
        Ring.Dispose();
        Sequence.Dispose();
        Drops.Dispose();
    }
}
