using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Linux.Native;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>The thin P/Invokes the ring buffer and perf code will build on, against the kernel.</summary>
public sealed unsafe class NativeTests
{
    [Fact]
    public void Mmapable_array_is_read_through_mmap()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.Array, 4, 8, 4, "mmap", (uint)MapFlags.Mmapable));
        map.Update(BitConverter.GetBytes(1u), BitConverter.GetBytes(0x0102030405060708UL));
        nuint length = (nuint)Environment.SystemPageSize;
        nint address = Libc.Mmap(0, length, Libc.ProtRead, Libc.MapShared, map.Fd.Value, 0);
        Assert.True(address != Libc.MapFailed, $"mmap failed: {BpfException.Describe((Errno)Marshal.GetLastPInvokeError())}");
        try
        {
            // Array elements lie value_size apart (kernel/bpf/arraymap.c, elem_size = round_up(value_size, 8)).
            Assert.Equal(0x0102030405060708UL, *(ulong*)(address + 8));
        }
        finally
        {
            Assert.Equal(0, Libc.Munmap(address, length));
        }
    }

    [Fact]
    public void Perf_event_opens_with_the_generated_attr()
    {
        Kernel.Require();
        var attr = new PerfEventAttr
        {
            Type = 1, // PERF_TYPE_SOFTWARE
            Config = 0, // PERF_COUNT_SW_CPU_CLOCK
            Size = (uint)Unsafe.SizeOf<PerfEventAttr>(),
            Disabled = true,
        };
        int fd = Libc.PerfEventOpen(&attr, 0, -1, -1, Libc.PerfFlagFdCloexec);
        var errno = (Errno)Marshal.GetLastPInvokeError();
        if (fd < 0 && errno == Errno.EACCES)
            Assert.Skip("perf_event_open is not permitted here (kernel.perf_event_paranoid)");
        Assert.True(fd >= 0, $"perf_event_open: {BpfException.Describe(errno)}");
        using var handle = new BpfFileDescriptor(fd);
        Assert.False(handle.IsInvalid);
    }

    [Fact]
    public void Epoll_waits_on_nothing()
    {
        int epfd = Libc.EpollCreate1(Libc.EpollCloexec);
        Assert.True(epfd >= 0);
        using var handle = new BpfFileDescriptor(epfd);
        var events = stackalloc byte[EpollEvent.Size * 4];
        Assert.Equal(0, Libc.EpollWait(epfd, events, 4, 0));
    }
}
