using SharpBpf.Linux.Events;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>Readers close every fd (map duplicates, perf events, epoll, eventfd) and unmap every buffer on Dispose, on failure paths too.</summary>
[Collection(nameof(FdCountCollection))]
public sealed class EventsFdLeakTests
{
    [Fact]
    public async Task Disposed_readers_leave_no_fd_and_no_mapping_behind()
    {
        Kernel.Require();
        await Exercise(); // warm up: the runtime opens files and maps code of its own the first time round
        var fdsBefore = ProcessFds.List();
        int mappingsBefore = KernelMappings();
        for (int i = 0; i < 3; i++)
            await Exercise();
        var fdsAfter = ProcessFds.List();
        Assert.True(fdsBefore.Count == fdsAfter.Count,
            $"open fds went from {fdsBefore.Count} to {fdsAfter.Count}: {string.Join(", ", fdsAfter.Except(fdsBefore))}");
        Assert.Equal(mappingsBefore, KernelMappings());
    }

    private static async Task Exercise()
    {
        var packet = EventsTestKit.Packet(64);
        using (var first = EventsTestKit.RingBuffer(4096))
        using (var second = EventsTestKit.RingBuffer(8192))
        using (var seq = EventsTestKit.Counter("seq"))
        using (var drops = EventsTestKit.Counter("drops"))
        using (var producer = EventsTestKit.RingProducer(first, seq, drops, 16))
        using (var reader = new RingBufferReader(first, drops))
        {
            reader.Add(second);
            Assert.Equal(0, reader.Poll(TimeSpan.Zero, (_, _) => { }, cancellationToken: TestContext.Current.CancellationToken));
            EventsTestKit.Run(producer, packet, 3);
            await foreach (var _ in reader.ReadAllAsync<ulong>())
                break;
            Assert.Equal(0, reader.ReadDropped());
        }
        using (var events = EventsTestKit.PerfEventArray())
        using (var seq = EventsTestKit.Counter("seq"))
        using (var producer = EventsTestKit.PerfProducer(events, seq, 16))
        {
            using (var reader = new PerfBufferReader(events, new PerfBufferOptions { PagesPerCpu = 2 }))
            {
                EventsTestKit.Run(producer, packet, 3);
                Assert.Equal(3, reader.Consume(_ => { }));
                Assert.Equal(0, reader.Poll(TimeSpan.Zero, _ => { }, cancellationToken: TestContext.Current.CancellationToken));
            }
            // The second CPU fails after the first one's event, buffer and slot were set up.
            int cpu = LinuxKernel.OnlineCpus()[0];
            Assert.Throws<BpfException>(() => new PerfBufferReader(events, new PerfBufferOptions { Cpus = [cpu, 4096], MapIndexes = [0, 1] }));
            Assert.Equal(EventsTestKit.Failed, EventsTestKit.Run(producer, packet, 1));
        }
    }

    // Shared mappings of kernel objects: ring buffer maps (anon_inode:bpf-map), perf events (anon_inode:[perf_event]).
    private static int KernelMappings() =>
        File.ReadAllLines("/proc/self/maps").Count(line => line.Contains("anon_inode:", StringComparison.Ordinal));

}
