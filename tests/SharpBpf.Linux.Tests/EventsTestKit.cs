using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Maps;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>
/// What the event reader tests share: socket filter programs, assembled here, that emit numbered records
/// into a ring buffer or a perf event array each time BPF_PROG_TEST_RUN runs them, a producer
/// that never outruns the reader (so "nothing lost" holds by construction, not by luck), and a
/// thread pinned to one CPU (perf samples land on the CPU the program runs on).
/// </summary>
internal static unsafe partial class EventsTestKit
{
    // Socket filters rather than XDP: a repeated XDP test run swaps the XDP dispatcher twice
    // (bpf_prog_change_xdp), an RCU grace period each time, tens of milliseconds per call.
    /// <summary>What the programs return when their record went out.</summary>
    public const uint Delivered = 1;

    /// <summary>What they return when it did not (ring full, no perf event in the slot).</summary>
    public const uint Failed = 0;

    /// <summary>
    /// The test run hands a socket filter the packet after its Ethernet header (eth_type_trans
    /// pulls it; bpf_prog_test_run_skb pushes it back for tc only): appended packet bytes start here.
    /// </summary>
    public const int PayloadOffset = 14;

    // include/uapi/linux/bpf.h: BPF_F_CURRENT_CPU, and BPF_F_CTXLEN_MASK's shift (bits 32-51: packet bytes to append).
    private const ulong CurrentCpu = 0xffffffff;

    private static readonly int RingbufOutput = HelperIds.IdOf("bpf_ringbuf_output");
    private static readonly int RingbufReserve = HelperIds.IdOf("bpf_ringbuf_reserve");
    private static readonly int RingbufSubmit = HelperIds.IdOf("bpf_ringbuf_submit");
    private static readonly int RingbufDiscard = HelperIds.IdOf("bpf_ringbuf_discard");
    private static readonly int PerfEventOutput = HelperIds.IdOf("bpf_perf_event_output");

    /// <summary>A ringbuf map of <paramref name="size"/> data bytes (a power of two, at least a page).</summary>
    public static KernelMap RingBuffer(int size, string name = "events") =>
        KernelMap.Create(Kernel.Spec(MapType.Ringbuf, 0, 0, (uint)size, name));

    /// <summary>A perf event array with a slot per possible CPU.</summary>
    public static KernelMap PerfEventArray(string name = "events") =>
        KernelMap.Create(Kernel.Spec(MapType.PerfEventArray, 4, 4, 0, name));

    /// <summary>A one-element u64 array: the programs' sequence number or drop count.</summary>
    public static KernelMap Counter(string name) => KernelMap.Create(Kernel.Spec(MapType.Array, 4, 8, 1, name));

    public static ulong Read(KernelMap counter) => new BpfMap<uint, ulong>(counter).Lookup(0);

    /// <summary>The packet the programs run on: byte i is (byte)i (at least an Ethernet header).</summary>
    public static byte[] Packet(int length)
    {
        var p = new byte[length];
        for (int i = 0; i < p.Length; i++)
            p[i] = (byte)i;
        return p;
    }

    // seq = counter[0]++ into r7; jumps to `fail` when the lookup fails. r6 keeps the context.
    private static string NextSequence(KernelMap seq) => $"""
        r6 = r1
        r1 = 0
        *(u32 *)(r10 - 4) = r1
        r2 = r10
        r2 += -4
        ld_pseudo r1, 1, {seq.Fd.Value}
        call 1
        if r0 == 0 goto fail
        r7 = *(u64 *)(r0 + 0)
        r1 = r7
        r1 += 1
        *(u64 *)(r0 + 0) = r1

        """;

    /// <summary>
    /// Each run reserves a <paramref name="size"/>-byte record (size >= 16) with the sequence number
    /// in its first and last 8 bytes and submits it, or discards it when <paramref name="discardOdd"/>
    /// and the number is odd. When the ring is full it counts the drop in <paramref name="drops"/>
    /// and returns <see cref="Failed"/>; otherwise <see cref="Delivered"/>.
    /// </summary>
    public static KernelProgram RingProducer(KernelMap ring, KernelMap seq, KernelMap? drops, int size, bool discardOdd = false)
    {
        string source = NextSequence(seq) + $"""
            ld_pseudo r1, 1, {ring.Fd.Value}
            r2 = {size}
            r3 = 0
            call {RingbufReserve}
            if r0 == 0 goto dropped
            *(u64 *)(r0 + 0) = r7
            *(u64 *)(r0 + {size - 8}) = r7
            r1 = r0
            r2 = 0
            r7 &= {(discardOdd ? 1 : 0)}
            if r7 != 0 goto discard
            call {RingbufSubmit}
            r0 = {Delivered}
            exit
            discard:
            call {RingbufDiscard}
            r0 = {Delivered}
            exit
            dropped:

            """ + CountDrop(drops) + $"""
            fail:
            r0 = {Failed}
            exit
            """;
        return KernelProgram.Load(ProgramType.SocketFilter, Assembler.Assemble(source), "GPL", new ProgramLoadOptions { Name = "ring_producer" });
    }

    /// <summary>Each run outputs the sequence number (8 bytes) with bpf_ringbuf_output; counts failures in <paramref name="drops"/>.</summary>
    public static KernelProgram RingOutputProducer(KernelMap ring, KernelMap seq, KernelMap? drops)
    {
        string source = NextSequence(seq) + $"""
            *(u64 *)(r10 - 16) = r7
            ld_pseudo r1, 1, {ring.Fd.Value}
            r2 = r10
            r2 += -16
            r3 = 8
            r4 = 0
            call {RingbufOutput}
            if r0 != 0 goto dropped
            r0 = {Delivered}
            exit
            dropped:

            """ + CountDrop(drops) + $"""
            fail:
            r0 = {Failed}
            exit
            """;
        return KernelProgram.Load(ProgramType.SocketFilter, Assembler.Assemble(source), "GPL", new ProgramLoadOptions { Name = "ring_output" });
    }

    private static string CountDrop(KernelMap? drops) => drops is null ? "" : $"""
        r1 = 0
        *(u32 *)(r10 - 4) = r1
        r2 = r10
        r2 += -4
        ld_pseudo r1, 1, {drops.Fd.Value}
        call 1
        if r0 == 0 goto fail
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1

        """;

    /// <summary>
    /// Each run writes a <paramref name="size"/>-byte sample (size >= 8) to the current CPU's slot
    /// of <paramref name="events"/>: the sequence number, then size - 8 bytes of the packet from
    /// <see cref="PayloadOffset"/> on (bpf_skb_event_output appends them from the skb).
    /// <see cref="Delivered"/> when the output succeeded, <see cref="Failed"/> when it did not (no
    /// event in the slot: ENOENT).
    /// </summary>
    public static KernelProgram PerfProducer(KernelMap events, KernelMap seq, int size)
    {
        ulong flags = ((ulong)(size - 8) << 32) | CurrentCpu;
        string source = NextSequence(seq) + $"""
            *(u64 *)(r10 - 16) = r7
            r1 = r6
            ld_pseudo r2, 1, {events.Fd.Value}
            r3 = {flags} ll
            r4 = r10
            r4 += -16
            r5 = 8
            call {PerfEventOutput}
            if r0 != 0 goto fail
            r0 = {Delivered}
            exit
            fail:
            r0 = {Failed}
            exit
            """;
        return KernelProgram.Load(ProgramType.SocketFilter, Assembler.Assemble(source), "GPL", new ProgramLoadOptions { Name = "perf_producer" });
    }

    /// <summary>Runs <paramref name="program"/> <paramref name="times"/> times in one BPF_PROG_TEST_RUN; returns the last run's result.</summary>
    public static uint Run(KernelProgram program, byte[] packet, int times) =>
        program.TestRun(new ProgramTestRunOptions { Data = packet, Repeat = (uint)times }).ReturnValue;

    /// <summary>
    /// Produces <paramref name="total"/> records in runs of <paramref name="batch"/>, never letting
    /// more than <paramref name="capacity"/>/2 records be unread (as <paramref name="read"/> counts
    /// them), so a reader that keeps reading loses nothing. Gives up after a minute without progress.
    /// </summary>
    public static void ProduceThrottled(KernelProgram program, byte[] packet, long total, int batch, long capacity, Func<long> read, Task? consumer = null)
    {
        long produced = 0;
        var stalled = System.Diagnostics.Stopwatch.StartNew();
        while (produced < total)
        {
            int n = (int)Math.Min(batch, total - produced);
            if (produced - read() + n > capacity / 2)
            {
                if (consumer is { IsCompleted: true })
                    consumer.GetAwaiter().GetResult();
                Assert.True(stalled.Elapsed < TimeSpan.FromMinutes(1), $"the reader stopped at {read()} of {produced} records");
                Thread.Yield();
                continue;
            }
            Run(program, packet, n);
            produced += n;
            stalled.Restart();
        }
    }

    /// <summary>Runs <paramref name="action"/> on a thread pinned to <paramref name="cpu"/> (sched_setaffinity) and waits for it.</summary>
    public static void OnCpu(int cpu, Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                ulong mask = 1UL << cpu;
                if (SchedSetAffinity(0, sizeof(ulong), &mask) != 0)
                    throw new InvalidOperationException($"sched_setaffinity CPU {cpu}: errno {Marshal.GetLastPInvokeError()}");
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
            throw new AggregateException(failure);
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, ulong* mask);

    /// <summary>Runs <paramref name="poll"/> on its own thread until <paramref name="done"/> or a minute has passed.</summary>
    public static Task PollUntil(Func<bool> done, Action poll) => Task.Factory.StartNew(() =>
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!done() && DateTime.UtcNow < deadline)
            poll();
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
