using SharpBpf.Linux.Events;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>The parts of the event readers that need no kernel.</summary>
public sealed class EventsUnitTests
{
    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-3\n", new[] { 0, 1, 2, 3 })]
    [InlineData("0-1,4,6-7", new[] { 0, 1, 4, 6, 7 })]
    public void Cpu_lists_expand_to_their_cpus(string list, int[] cpus)
    {
        Assert.Equal(cpus, LinuxKernel.ParseCpuIndices(list));
        Assert.Equal(cpus.Length, LinuxKernel.ParseCpuList(list));
    }

    [Theory]
    [InlineData("")]
    [InlineData("3-1")]
    [InlineData("a")]
    public void Bad_cpu_lists_are_rejected(string list) =>
        Assert.ThrowsAny<FormatException>(() => LinuxKernel.ParseCpuIndices(list));

    [Fact]
    public void Timeouts_become_deadlines_and_epoll_milliseconds()
    {
        Assert.Equal(-1, EventTimeouts.ToMilliseconds(Timeout.InfiniteTimeSpan));
        Assert.Equal(0, EventTimeouts.ToMilliseconds(TimeSpan.Zero));
        Assert.Equal(1, EventTimeouts.ToMilliseconds(TimeSpan.FromTicks(1)));
        Assert.Equal(250, EventTimeouts.ToMilliseconds(TimeSpan.FromMilliseconds(250)));
        Assert.Throws<ArgumentOutOfRangeException>(() => EventTimeouts.ToMilliseconds(TimeSpan.FromMilliseconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => EventTimeouts.ToMilliseconds(TimeSpan.FromDays(30)));

        Assert.Equal(EventTimeouts.Never, EventTimeouts.Deadline(Timeout.InfiniteTimeSpan));
        Assert.Equal(-1, EventTimeouts.Remaining(EventTimeouts.Never));
        Assert.False(EventTimeouts.Expired(EventTimeouts.Never));
        Assert.Equal(EventTimeouts.Now, EventTimeouts.Deadline(TimeSpan.Zero));
        Assert.Equal(0, EventTimeouts.Remaining(EventTimeouts.Now));
        Assert.True(EventTimeouts.Expired(EventTimeouts.Now));
        long deadline = EventTimeouts.Deadline(TimeSpan.FromSeconds(5));
        Assert.InRange(EventTimeouts.Remaining(deadline), 4000, 5000);
        Assert.False(EventTimeouts.Expired(deadline));
        Assert.Equal(0, EventTimeouts.Remaining(Environment.TickCount64 - 10));
        Assert.True(EventTimeouts.Expired(Environment.TickCount64 - 10));
    }

    [Fact]
    public void The_gate_lets_one_call_in_and_hands_a_late_Dispose_to_it()
    {
        var gate = new ReaderGate("reader");
        gate.Enter();
        Assert.Contains("take turns", Assert.Throws<InvalidOperationException>(gate.Enter).Message, StringComparison.Ordinal);
        Assert.False(gate.Exit());

        // Disposed while idle: the caller releases, later calls are refused.
        Assert.True(gate.Close(out bool callInside));
        Assert.False(callInside);
        Assert.True(gate.IsClosing);
        Assert.Throws<ObjectDisposedException>(gate.Enter);
        Assert.False(gate.Close(out _));

        // Disposed during a call: the call releases as it leaves.
        var busy = new ReaderGate("reader");
        busy.Enter();
        Assert.False(busy.Close(out callInside));
        Assert.True(callInside);
        Assert.True(busy.IsClosing);
        Assert.False(busy.Close(out callInside));
        Assert.False(callInside);
        Assert.True(busy.Exit());
        Assert.Throws<ObjectDisposedException>(busy.Enter);
    }

    [Fact]
    public void Typed_batches_copy_the_first_bytes_and_reject_short_records()
    {
        var batch = new RecordBatch<uint>("test source");
        batch.Add([1, 0, 0, 0, 9, 9]);
        batch.Add([2, 1, 0, 0]);
        Assert.Equal(2, batch.Count);
        Assert.Equal(1u, batch[0]);
        Assert.Equal(0x102u, batch[1]);
        var e = Assert.Throws<InvalidDataException>(() => batch.Add([1, 2, 3]));
        Assert.Equal("test source: a 3-byte record is shorter than UInt32 (4 bytes)", e.Message);
        batch.Clear();
        Assert.Equal(0, batch.Count);
    }
}
