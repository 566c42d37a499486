using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using SharpBpf.Linux.Events;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>PerfBufferReader against perf event arrays, fed by socket filters (bpf_skb_event_output with BPF_F_CURRENT_CPU) under BPF_PROG_TEST_RUN.</summary>
public sealed class EventsPerfBufferTests
{
    private static readonly int PageSize = Environment.SystemPageSize;

    /// <summary>What the kernel hands out for a sample of <paramref name="size"/> bytes: padded so that it and its u32 size end on 8 bytes.</summary>
    private static int RawSize(int size) => ((size + 4 + 7) & ~7) - 4;

    /// <summary>The record a sample of <paramref name="size"/> bytes takes in the buffer: header, u32 size, raw data.</summary>
    private static int RecordSize(int size) => 8 + 4 + RawSize(size);

    [Theory]
    [InlineData(64)]
    [InlineData(1024)]
    public async Task Hundred_thousand_samples_arrive_in_order_per_cpu_with_nothing_lost(int size)
    {
        Kernel.Require();
        const int Total = 100_000;
        const int Pages = 64;
        var packet = EventsTestKit.Packet(size + 64);
        using var events = EventsTestKit.PerfEventArray();
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.PerfProducer(events, seq, size);
        using var reader = new PerfBufferReader(events, new PerfBufferOptions { PagesPerCpu = Pages });
        Assert.Equal(LinuxKernel.OnlineCpus(), reader.Cpus);

        long received = 0;
        var lastOnCpu = new Dictionary<int, long>();
        string? error = null;
        PerfSampleHandler check = sample =>
        {
            var data = sample.Data;
            long s = (long)BinaryPrimitives.ReadUInt64LittleEndian(data);
            if (data.Length != RawSize(size) || !data[8..size].SequenceEqual(packet.AsSpan(EventsTestKit.PayloadOffset, size - 8)) || sample.MapIndex != sample.Cpu)
                error ??= $"sample {s} on CPU {sample.Cpu} (index {sample.MapIndex}): {data.Length} bytes";
            if (lastOnCpu.TryGetValue(sample.Cpu, out long last) && s <= last)
                error ??= $"CPU {sample.Cpu}: sample {s} after {last}";
            lastOnCpu[sample.Cpu] = s;
            received++;
        };
        var consumer = EventsTestKit.PollUntil(() => Volatile.Read(ref received) >= Total,
            () => reader.Poll(TimeSpan.FromMilliseconds(100), check, lost => error ??= $"lost {lost.Count} on CPU {lost.Cpu}", cancellationToken: TestContext.Current.CancellationToken));
        // Throttled against one CPU's buffer: all of it may land on one CPU.
        EventsTestKit.ProduceThrottled(producer, packet, Total, 1000 * 64 / size, Pages * PageSize / RecordSize(size), () => reader.SamplesRead, consumer);
        await consumer;

        Assert.Null(error);
        Assert.Equal(Total, received);
        Assert.Equal((ulong)Total, EventsTestKit.Read(seq));
        Assert.Equal(0, reader.LostSamples);
        Assert.Equal(0, reader.Consume(_ => throw new InvalidOperationException("nothing is left")));
    }

    [Fact]
    public void A_stalled_reader_on_a_small_buffer_is_told_how_many_samples_were_lost()
    {
        Kernel.Require();
        const int Size = 64;
        var packet = EventsTestKit.Packet(Size + 64);
        using var events = EventsTestKit.PerfEventArray();
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.PerfProducer(events, seq, Size);
        int cpu = LinuxKernel.OnlineCpus()[0];
        using var reader = new PerfBufferReader(events, new PerfBufferOptions { PagesPerCpu = 1, Cpus = [cpu] });

        // One page of 80-byte records; 1000 samples while nobody reads.
        EventsTestKit.OnCpu(cpu, () => EventsTestKit.Run(producer, packet, 1000));
        var seen = new List<ulong>();
        var lostRecords = new List<PerfLostRecord>();
        int kept = reader.Consume(s => seen.Add(BinaryPrimitives.ReadUInt64LittleEndian(s.Data)), lostRecords.Add);
        Assert.InRange(kept, 1, PageSize / RecordSize(Size));
        Assert.Equal(Enumerable.Range(0, kept).Select(i => (ulong)i), seen);
        // The kernel reports the loss when it next has room: before the next sample.
        Assert.Empty(lostRecords);
        Assert.Equal(0, reader.LostSamples);

        EventsTestKit.OnCpu(cpu, () => Assert.Equal(EventsTestKit.Delivered, EventsTestKit.Run(producer, packet, 1)));
        Assert.Equal(1, reader.Poll(TimeSpan.FromSeconds(10), s => seen.Add(BinaryPrimitives.ReadUInt64LittleEndian(s.Data)), lostRecords.Add, cancellationToken: TestContext.Current.CancellationToken));
        var lost = Assert.Single(lostRecords);
        Assert.Equal(cpu, lost.Cpu);
        Assert.Equal(cpu, lost.MapIndex);
        Assert.Equal((ulong)(1000 - kept), lost.Count);
        Assert.Equal(1000 - kept, reader.LostSamples);
        Assert.Equal(1000 - kept, reader.LostSamplesOnCpu(cpu));
        Assert.Equal(1000UL, seen[^1]);
        Assert.Equal(kept + 1, reader.SamplesRead);
    }

    [Fact]
    public void Samples_that_wrap_around_the_buffer_end_are_joined()
    {
        Kernel.Require();
        const int Size = 64;
        var packet = EventsTestKit.Packet(Size + 64);
        using var events = EventsTestKit.PerfEventArray();
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.PerfProducer(events, seq, Size);
        int cpu = LinuxKernel.OnlineCpus()[^1];
        using var reader = new PerfBufferReader(events, new PerfBufferOptions { PagesPerCpu = 1, Cpus = [cpu] });

        var seen = new List<ulong>();
        bool payloadOk = true;
        EventsTestKit.OnCpu(cpu, () =>
        {
            for (int round = 0; round < 40; round++)
            {
                EventsTestKit.Run(producer, packet, 30);
                Assert.Equal(30, reader.Consume(s =>
                {
                    seen.Add(BinaryPrimitives.ReadUInt64LittleEndian(s.Data));
                    payloadOk &= s.Data.Length == RawSize(Size) && s.Data[8..Size].SequenceEqual(packet.AsSpan(EventsTestKit.PayloadOffset, Size - 8));
                }));
            }
        });
        Assert.True(payloadOk);
        Assert.Equal(Enumerable.Range(0, 1200).Select(i => (ulong)i), seen);
        Assert.Equal(0, reader.LostSamples);
        // 80-byte records in a 4096-byte buffer: those starting in the last 79 bytes straddle its end.
        int wrapped = Enumerable.Range(0, 1200).Count(i => (long)i * RecordSize(Size) % PageSize + RecordSize(Size) > PageSize);
        Assert.True(wrapped >= 10, $"only {wrapped} samples wrapped");
    }

    [Fact]
    public void Timestamps_come_with_the_samples_when_asked_for()
    {
        Kernel.Require();
        var packet = EventsTestKit.Packet(64);
        using var events = EventsTestKit.PerfEventArray();
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.PerfProducer(events, seq, 28);
        using var reader = new PerfBufferReader(events, new PerfBufferOptions { Timestamps = true, PagesPerCpu = 2 });
        EventsTestKit.Run(producer, packet, 3);
        var stamps = new List<ulong>();
        Assert.Equal(3, reader.Consume(s =>
        {
            // 28 bytes + the u32 size end on 8 bytes: no padding.
            Assert.Equal(28, s.Data.Length);
            stamps.Add(s.Timestamp);
        }));
        Assert.All(stamps, t => Assert.NotEqual(0UL, t));
        Assert.True(stamps[0] <= stamps[1] && stamps[1] <= stamps[2] || stamps.Distinct().Count() == 3);
    }

    [Fact]
    public void Dispose_takes_the_events_out_of_the_array()
    {
        Kernel.Require();
        var packet = EventsTestKit.Packet(64);
        using var events = EventsTestKit.PerfEventArray();
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.PerfProducer(events, seq, 16);
        // No event in the slot: bpf_perf_event_output fails (ENOENT) and the program says so.
        Assert.Equal(EventsTestKit.Failed, EventsTestKit.Run(producer, packet, 1));
        using (var reader = new PerfBufferReader(events))
        {
            Assert.Equal(EventsTestKit.Delivered, EventsTestKit.Run(producer, packet, 1));
            Assert.Equal(1, reader.Poll(TimeSpan.FromSeconds(10), _ => { }, cancellationToken: TestContext.Current.CancellationToken));
        }
        Assert.Equal(EventsTestKit.Failed, EventsTestKit.Run(producer, packet, 1));
    }

    [Fact]
    public async Task Poll_times_out_and_is_woken_by_cancellation_and_Dispose()
    {
        Kernel.Require();
        using var events = EventsTestKit.PerfEventArray();
        using var reader = new PerfBufferReader(events, new PerfBufferOptions { PagesPerCpu = 1 });
        var watch = Stopwatch.StartNew();
        Assert.Equal(0, reader.Poll(TimeSpan.FromMilliseconds(300), _ => { }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.InRange(watch.ElapsedMilliseconds, 280, 3000);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        watch.Restart();
        Assert.Throws<OperationCanceledException>(() => reader.Poll(Timeout.InfiniteTimeSpan, _ => { }, null, cancel.Token));
        Assert.InRange(watch.ElapsedMilliseconds, 150, 10_000);

        var poll = Task.Factory.StartNew(() => reader.Poll(Timeout.InfiniteTimeSpan, _ => { }), TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Thread.Sleep(200);
        Assert.False(poll.IsCompleted);
        reader.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => poll.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Sample16
    {
        public ulong Seq;
        public ulong Payload;
    }

    [Fact]
    public async Task Typed_samples_stream_through_ReadAllAsync()
    {
        Kernel.Require();
        const int Total = 5000;
        var packet = EventsTestKit.Packet(64);
        using var events = EventsTestKit.PerfEventArray();
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.PerfProducer(events, seq, 16);
        using var reader = new PerfBufferReader(events, new PerfBufferOptions { PagesPerCpu = 16 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        var produce = Task.Run(() => EventsTestKit.ProduceThrottled(producer, packet, Total, 50, 16 * PageSize / RecordSize(16), () => reader.SamplesRead), TestContext.Current.CancellationToken);
        var seqs = new HashSet<ulong>();
        await foreach (var sample in reader.ReadAllAsync<Sample16>(timeout.Token))
        {
            Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(packet.AsSpan(EventsTestKit.PayloadOffset)), sample.Payload);
            Assert.True(seqs.Add(sample.Seq));
            if (seqs.Count == Total)
                break;
        }
        await produce;
        Assert.Equal(Enumerable.Range(0, Total).Select(i => (ulong)i).ToHashSet(), seqs);
    }

    [Fact]
    public void Options_are_checked_before_anything_is_opened()
    {
        Kernel.Require();
        using var events = EventsTestKit.PerfEventArray();
        using var seq = EventsTestKit.Counter("seq");
        Assert.Throws<ArgumentException>(() => new PerfBufferReader(seq));
        Assert.Throws<ArgumentException>(() => new PerfBufferReader(events, new PerfBufferOptions { PagesPerCpu = 3 }));
        Assert.Throws<ArgumentException>(() => new PerfBufferReader(events, new PerfBufferOptions { Cpus = [0], MapIndexes = [0, 1] }));
        Assert.Throws<ArgumentException>(() => new PerfBufferReader(events, new PerfBufferOptions { Cpus = [0], MapIndexes = [events.MaxEntries] }));
        var e = Assert.Throws<BpfException>(() => new PerfBufferReader(events, new PerfBufferOptions { Cpus = [4096], MapIndexes = [0] }));
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.StartsWith("read perf_event_array map 'events': perf_event_open of a bpf_output event on CPU 4096: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sample_stored_at_another_index_says_which()
    {
        Kernel.Require();
        var packet = EventsTestKit.Packet(64);
        using var events = KernelMap.Create(Kernel.Spec(Core.MapType.PerfEventArray, 4, 4, 8, "wide"));
        int cpu = LinuxKernel.OnlineCpus()[^1];
        // The program names index 5; an event only takes samples on its own CPU (__bpf_perf_event_output).
        using var producer = KernelProgram.Load(Core.ProgramType.SocketFilter, Core.Assembly.Assembler.Assemble($"""
            r6 = r1
            r1 = 81985529216486895 ll
            *(u64 *)(r10 - 8) = r1
            r1 = r6
            ld_pseudo r2, 1, {events.Fd.Value}
            r3 = 5
            r4 = r10
            r4 += -8
            r5 = 8
            call 25
            r0 = 1
            exit
            """), "GPL");
        using var reader = new PerfBufferReader(events, new PerfBufferOptions { Cpus = [cpu], MapIndexes = [5], PagesPerCpu = 1 });
        EventsTestKit.OnCpu(cpu, () => EventsTestKit.Run(producer, packet, 1));
        int got = reader.Poll(TimeSpan.FromSeconds(10), s =>
        {
            Assert.Equal(cpu, s.Cpu);
            Assert.Equal(5, s.MapIndex);
            Assert.Equal(0x0123456789abcdefUL, BinaryPrimitives.ReadUInt64LittleEndian(s.Data));
        }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, got);
    }
}
