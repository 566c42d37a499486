using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Linux.Events;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>RingBufferReader against the kernel's BPF ring buffer, fed by socket filters under BPF_PROG_TEST_RUN.</summary>
public sealed class EventsRingBufferTests
{
    private static readonly byte[] Packet = EventsTestKit.Packet(64);

    [Theory]
    [InlineData(64)]
    [InlineData(1024)]
    public async Task Hundred_thousand_records_arrive_in_order_with_nothing_lost(int size)
    {
        Kernel.Require();
        const int Total = 100_000;
        const int RingSize = 1 << 20;
        using var ring = EventsTestKit.RingBuffer(RingSize);
        using var seq = EventsTestKit.Counter("seq");
        using var drops = EventsTestKit.Counter("drops");
        using var producer = EventsTestKit.RingProducer(ring, seq, drops, size);
        using var reader = new RingBufferReader(ring, drops);

        long received = 0;
        string? error = null;
        RingBufferRecordHandler check = (index, record) =>
        {
            ulong first = BinaryPrimitives.ReadUInt64LittleEndian(record);
            ulong last = BinaryPrimitives.ReadUInt64LittleEndian(record[^8..]);
            if (index != 0 || record.Length != size || first != (ulong)received || last != first)
                error ??= $"record {received}: ring {index}, {record.Length} bytes, seq {first}, trailer {last}";
            received++;
        };
        var consumer = EventsTestKit.PollUntil(() => Volatile.Read(ref received) >= Total,
            () => reader.Poll(TimeSpan.FromMilliseconds(100), check, cancellationToken: TestContext.Current.CancellationToken));
        long recordBytes = (size + 8 + 7) & ~7;
        EventsTestKit.ProduceThrottled(producer, Packet, Total, 1000 * 64 / size, RingSize / recordBytes, () => reader.RecordsRead, consumer);
        await consumer;

        Assert.Null(error);
        Assert.Equal(Total, received);
        Assert.Equal(Total, reader.RecordsRead);
        Assert.Equal(0, reader.ReadDropped());
        Assert.Equal(0, reader.AvailableBytes());
        Assert.Equal(0, reader.Consume((_, _) => throw new InvalidOperationException("nothing is left")));
    }

    [Fact]
    public void Records_that_wrap_around_the_ring_end_are_contiguous()
    {
        Kernel.Require();
        // 1000-byte records (1008 with the header) in a 4 KiB ring: every fourth or so straddles the end.
        const int Size = 1000;
        const int RingSize = 4096;
        using var ring = EventsTestKit.RingBuffer(RingSize);
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.RingProducer(ring, seq, null, Size);
        using var reader = new RingBufferReader(ring);

        var seen = new List<(ulong First, ulong Last, int Length)>();
        for (int round = 0; round < 50; round++)
        {
            Assert.Equal(EventsTestKit.Delivered, EventsTestKit.Run(producer, Packet, 3));
            Assert.Equal(3, reader.Consume((_, r) => seen.Add((BinaryPrimitives.ReadUInt64LittleEndian(r), BinaryPrimitives.ReadUInt64LittleEndian(r[^8..]), r.Length))));
        }
        Assert.Equal(150, seen.Count);
        for (int i = 0; i < seen.Count; i++)
            Assert.Equal(((ulong)i, (ulong)i, Size), seen[i]);
        int wrapped = Enumerable.Range(0, 150).Count(i => i * 1008 % RingSize + 1008 > RingSize);
        Assert.True(wrapped > 30, $"only {wrapped} records wrapped");
    }

    [Fact]
    public void Discarded_records_are_skipped_and_counted()
    {
        Kernel.Require();
        using var ring = EventsTestKit.RingBuffer(1 << 16);
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.RingProducer(ring, seq, null, 64, discardOdd: true);
        using var reader = new RingBufferReader(ring);
        EventsTestKit.Run(producer, Packet, 100);

        var got = new List<ulong>();
        Assert.Equal(50, reader.Consume((_, r) => got.Add(BinaryPrimitives.ReadUInt64LittleEndian(r))));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (ulong)(2 * i)), got);
        Assert.Equal(50, reader.DiscardedRecords);
        Assert.Equal(50, reader.RecordsRead);
        Assert.Equal(0, reader.AvailableBytes());
    }

    [Fact]
    public void A_full_ring_drops_and_the_programs_counter_says_how_many()
    {
        Kernel.Require();
        const int RingSize = 4096;
        using var ring = EventsTestKit.RingBuffer(RingSize);
        using var seq = EventsTestKit.Counter("seq");
        using var drops = EventsTestKit.Counter("drops");
        using var producer = EventsTestKit.RingOutputProducer(ring, seq, drops);
        using var reader = new RingBufferReader(ring, drops);

        // Nobody reads while 1000 8-byte records (16 bytes each with the header) go in.
        Assert.Equal(EventsTestKit.Failed, EventsTestKit.Run(producer, Packet, 1000));
        var got = new List<ulong>();
        int read = reader.Consume((_, r) => got.Add(BinaryPrimitives.ReadUInt64LittleEndian(r)));
        // __bpf_ringbuf_reserve keeps the producer less than a whole ring ahead: 4095 bytes at most.
        Assert.Equal((RingSize - 1) / 16, read);
        Assert.Equal(Enumerable.Range(0, read).Select(i => (ulong)i), got);
        Assert.Equal(1000 - read, reader.ReadDropped());
        Assert.Equal(1000UL, EventsTestKit.Read(seq));

        // Read, the ring takes records again.
        Assert.Equal(EventsTestKit.Delivered, EventsTestKit.Run(producer, Packet, 1));
        Assert.Equal(1, reader.Consume((_, r) => Assert.Equal(1000UL, BinaryPrimitives.ReadUInt64LittleEndian(r))));
    }

    [Fact]
    public void Poll_waits_for_the_timeout_when_nothing_comes()
    {
        Kernel.Require();
        using var ring = EventsTestKit.RingBuffer(4096);
        using var reader = new RingBufferReader(ring);
        var watch = Stopwatch.StartNew();
        Assert.Equal(0, reader.Poll(TimeSpan.FromMilliseconds(300), (_, _) => { }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.InRange(watch.ElapsedMilliseconds, 280, 3000);

        watch.Restart();
        Assert.Equal(0, reader.Poll(TimeSpan.Zero, (_, _) => { }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.InRange(watch.ElapsedMilliseconds, 0, 200);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Poll(TimeSpan.FromMilliseconds(-5), (_, _) => { }, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Poll_returns_as_soon_as_a_record_is_committed()
    {
        Kernel.Require();
        using var ring = EventsTestKit.RingBuffer(4096);
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.RingProducer(ring, seq, null, 16);
        using var reader = new RingBufferReader(ring);
        var watch = Stopwatch.StartNew();
        var produce = Task.Run(() =>
        {
            Thread.Sleep(200);
            EventsTestKit.Run(producer, Packet, 1);
        }, TestContext.Current.CancellationToken);
        int got = reader.Poll(TimeSpan.FromSeconds(30), (_, r) => Assert.Equal(16, r.Length), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, got);
        Assert.InRange(watch.ElapsedMilliseconds, 150, 10_000);
        await produce;
    }

    [Fact]
    public async Task Cancellation_and_Dispose_wake_a_blocked_Poll()
    {
        Kernel.Require();
        using var ring = EventsTestKit.RingBuffer(4096);
        using var reader = new RingBufferReader(ring);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();
        Assert.Throws<OperationCanceledException>(() => reader.Poll(Timeout.InfiniteTimeSpan, (_, _) => { }, cancel.Token));
        Assert.InRange(watch.ElapsedMilliseconds, 150, 10_000);

        var poll = Task.Factory.StartNew(() => reader.Poll(Timeout.InfiniteTimeSpan, (_, _) => { }), TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Thread.Sleep(200);
        Assert.False(poll.IsCompleted);
        reader.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => poll.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Throws<ObjectDisposedException>(() => reader.Consume((_, _) => { }));
    }

    [Fact]
    public void Several_rings_share_one_epoll_and_say_which_ring_a_record_came_from()
    {
        Kernel.Require();
        using var first = EventsTestKit.RingBuffer(4096, "first");
        using var second = EventsTestKit.RingBuffer(8192, "second");
        using var seq = EventsTestKit.Counter("seq");
        using var toFirst = EventsTestKit.RingProducer(first, seq, null, 16);
        using var toSecond = EventsTestKit.RingProducer(second, seq, null, 32);
        using var reader = new RingBufferReader(first);
        Assert.Equal(1, reader.Add(second));
        Assert.Equal(2, reader.RingCount);
        Assert.Equal(8192, reader.Size(1));

        EventsTestKit.Run(toSecond, Packet, 2);
        var got = new List<(int Ring, int Length, ulong Seq)>();
        Assert.Equal(2, reader.Poll(TimeSpan.FromSeconds(10), (ring, r) => got.Add((ring, r.Length, BinaryPrimitives.ReadUInt64LittleEndian(r))), cancellationToken: TestContext.Current.CancellationToken));
        EventsTestKit.Run(toFirst, Packet, 1);
        Assert.Equal(1, reader.Poll(TimeSpan.FromSeconds(10), (ring, r) => got.Add((ring, r.Length, BinaryPrimitives.ReadUInt64LittleEndian(r))), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal([(1, 32, 0UL), (1, 32, 1UL), (0, 16, 2UL)], got);
        Assert.Equal("ring buffer reader of ringbuf map 'first' and 1 more", reader.ToString());
    }

    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct Record64
    {
        [FieldOffset(0)] public ulong Seq;
        [FieldOffset(56)] public ulong Trailer;
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct TooBig
    {
        [FieldOffset(0)] public ulong Seq;
    }

    [Fact]
    public async Task Typed_records_stream_through_ReadAllAsync()
    {
        Kernel.Require();
        const int Total = 20_000;
        const int RingSize = 1 << 16;
        using var ring = EventsTestKit.RingBuffer(RingSize);
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.RingProducer(ring, seq, null, 64);
        using var reader = new RingBufferReader(ring);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        var produce = Task.Run(() => EventsTestKit.ProduceThrottled(producer, Packet, Total, 100, RingSize / 72, () => reader.RecordsRead), TestContext.Current.CancellationToken);
        ulong expected = 0;
        await foreach (var record in reader.ReadAllAsync<Record64>(timeout.Token))
        {
            Assert.Equal(expected, record.Seq);
            Assert.Equal(expected, record.Trailer);
            if (++expected == Total)
                break;
        }
        await produce;
        Assert.Equal((ulong)Total, expected);

        // Waiting on an empty ring ends with the token.
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in reader.ReadAllAsync<Record64>(soon.Token))
                Assert.Fail("the ring is empty");
        });

        // A record shorter than the type is an error that names both.
        EventsTestKit.Run(producer, Packet, 1);
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var _ in reader.ReadAllAsync<TooBig>(timeout.Token))
                Assert.Fail("64 bytes cannot make a TooBig");
        });
        Assert.Equal("ring buffer reader of ringbuf map 'events': a 64-byte record is shorter than TooBig (128 bytes)", e.Message);
    }

    [Fact]
    public void Readers_take_turns_and_reject_the_wrong_maps()
    {
        Kernel.Require();
        using var ring = EventsTestKit.RingBuffer(4096);
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.RingProducer(ring, seq, null, 16);
        using var reader = new RingBufferReader(ring);
        EventsTestKit.Run(producer, Packet, 2);
        var e = Assert.Throws<InvalidOperationException>(() => reader.Consume((_, _) => reader.Consume((_, _) => { })));
        Assert.Contains("take turns", e.Message, StringComparison.Ordinal);
        // The record whose handler threw counts as read; the next one is still there.
        Assert.Equal(1, reader.RecordsRead);
        Assert.Equal(1, reader.Consume((_, r) => Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(r))));

        Assert.Throws<ArgumentException>(() => new RingBufferReader(seq));
        Assert.Throws<ArgumentException>(() => reader.Add(ring, dropCounter: ring));
        Assert.Null(reader.ReadDropped());
    }

    [Theory]
    [InlineData(false, 20, 4)]
    [InlineData(true, 20, 4)]
    [InlineData(false, 600, 500)]
    [InlineData(true, 600, 250)]
    public void A_handler_that_throws_loses_only_its_own_record(bool discardOdd, int runs, int failAt)
    {
        Kernel.Require();
        // A 64 KiB ring stores its consumer position every 4 KiB (170 records of 24 bytes): the
        // failing record is found by counting from the last store, before or after the first one.
        using var ring = EventsTestKit.RingBuffer(1 << 16);
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.RingProducer(ring, seq, null, 16, discardOdd);
        using var reader = new RingBufferReader(ring);
        EventsTestKit.Run(producer, Packet, runs);

        var seen = new List<ulong>();
        var e = Assert.Throws<InvalidOperationException>(() => reader.Consume((_, r) =>
        {
            ulong s = BinaryPrimitives.ReadUInt64LittleEndian(r);
            seen.Add(s);
            if (seen.Count == failAt)
                throw new InvalidOperationException($"record {s}");
        }));
        ulong step = discardOdd ? 2UL : 1UL;
        Assert.Equal($"record {(ulong)(failAt - 1) * step}", e.Message);
        Assert.Equal(failAt, reader.RecordsRead);
        reader.Consume((_, r) => seen.Add(BinaryPrimitives.ReadUInt64LittleEndian(r)));
        Assert.Equal(Enumerable.Range(0, (int)(runs / (int)step)).Select(i => (ulong)i * step), seen);
        Assert.Equal(runs / (int)step, reader.RecordsRead);
        Assert.Equal(0, reader.AvailableBytes());
    }

    private struct SumHandler : IRingBufferRecordHandler
    {
        public int Count;
        public ulong Sum;

        public void Handle(int ring, ReadOnlySpan<byte> record)
        {
            Count++;
            Sum += BinaryPrimitives.ReadUInt64LittleEndian(record);
        }
    }

    [Fact]
    public void Struct_handlers_keep_their_state_across_calls()
    {
        Kernel.Require();
        using var ring = EventsTestKit.RingBuffer(1 << 16);
        using var seq = EventsTestKit.Counter("seq");
        using var producer = EventsTestKit.RingProducer(ring, seq, null, 24);
        using var reader = new RingBufferReader(ring);
        var handler = new SumHandler();
        EventsTestKit.Run(producer, Packet, 10);
        Assert.Equal(10, reader.Poll(TimeSpan.FromSeconds(10), ref handler, TestContext.Current.CancellationToken));
        EventsTestKit.Run(producer, Packet, 5);
        Assert.Equal(5, reader.Consume(ref handler));
        Assert.Equal(15, handler.Count);
        Assert.Equal((ulong)(14 * 15 / 2), handler.Sum);
    }

    [Fact]
    public void The_reader_outlives_the_map_object_it_was_given()
    {
        Kernel.Require();
        using var seq = EventsTestKit.Counter("seq");
        RingBufferReader reader;
        KernelProgram producer;
        using (var ring = EventsTestKit.RingBuffer(4096))
        {
            reader = new RingBufferReader(ring);
            producer = EventsTestKit.RingProducer(ring, seq, null, 16);
        }
        using (reader)
        using (producer)
        {
            EventsTestKit.Run(producer, Packet, 3);
            Assert.Equal(3, reader.Poll(TimeSpan.FromSeconds(5), (_, _) => { }, cancellationToken: TestContext.Current.CancellationToken));
        }
    }
}
