using SharpBpf.Core;
using SharpBpf.Linux.Native;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>The kernel's errno, mapped to typed exceptions with their context.</summary>
public sealed class ErrnoTests
{
    // Ids are allocated upwards from 1 (idr_alloc_cyclic in kernel/bpf/syscall.c): this one is never reached.
    private const uint MissingId = 0x7fff_fff0;

    [Fact]
    public void Missing_ids_are_ENOENT_with_context()
    {
        Kernel.Require();
        var map = Assert.Throws<BpfException>(() => KernelMap.FromId(MissingId));
        Assert.Equal(Errno.ENOENT, map.Errno);
        Assert.Equal(BpfCommand.MapGetFdById, map.Command);
        Assert.Equal($"open map id {MissingId}: BPF_MAP_GET_FD_BY_ID: No such file or directory (ENOENT)", map.Message);
        Assert.Equal("BPF_MAP_GET_FD_BY_ID: No such file or directory (ENOENT)", map.Detail);
        Assert.IsType<BpfException>(map.InnerException);

        Assert.Equal(Errno.ENOENT, Assert.Throws<BpfException>(() => KernelProgram.FromId(MissingId)).Errno);
        Assert.Equal(Errno.ENOENT, Assert.Throws<BpfException>(() => KernelLink.FromId(MissingId)).Errno);
        Assert.Equal(Errno.ENOENT, Assert.Throws<BpfException>(() => KernelBtf.FromId(MissingId)).Errno);
    }

    [Fact]
    public void Bad_arguments_are_EINVAL()
    {
        Kernel.Require();
        // open_flags other than BPF_F_RDONLY/BPF_F_WRONLY (kernel/bpf/syscall.c, bpf_map_get_fd_by_id).
        var e = Assert.Throws<BpfException>(() => KernelMap.FromId(1, (MapFlags)0x1));
        Assert.Equal(Errno.EINVAL, e.Errno);
        // A hash map with no key (kernel/bpf/hashtab.c, htab_map_alloc_check).
        var create = Assert.Throws<BpfException>(() => KernelMap.Create(Kernel.Spec(MapType.Hash, 0, 4, 1, "nokey")));
        Assert.Equal(Errno.EINVAL, create.Errno);
        Assert.IsNotType<BpfNotSupportedException>(create);
        Assert.Equal("create map 'nokey': BPF_MAP_CREATE: Invalid argument (EINVAL)", create.Message);
    }

    [Fact]
    public void Writing_a_frozen_map_is_EPERM()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.Array, 4, 4, 1, "frozen"));
        map.Update(new byte[4], [1, 0, 0, 0]);
        map.Freeze();
        var e = Assert.Throws<BpfException>(() => map.Update(new byte[4], [2, 0, 0, 0]));
        Assert.Equal(Errno.EPERM, e.Errno);
        Assert.Equal("map 'frozen': BPF_MAP_UPDATE_ELEM: Operation not permitted (EPERM)", e.Message);
        var value = new byte[4];
        Assert.True(map.TryLookup(new byte[4], value));
        Assert.Equal(1, value[0]);
    }

    [Fact]
    public void Context_chains_keep_the_exception_type()
    {
        var inner = new BpfNotSupportedException("map type arena", new Version(6, 9), BpfCommand.MapCreate, Errno.EINVAL);
        var outer = inner.WithContext("map 'heap'").WithContext("load collection 'x.o'");
        var typed = Assert.IsType<BpfNotSupportedException>(outer);
        Assert.Equal(new Version(6, 9), typed.MinimumKernel);
        Assert.Equal(["load collection 'x.o'", "map 'heap'"], outer.Context);
        Assert.StartsWith("load collection 'x.o': map 'heap': map type arena is not supported by Linux ", outer.Message, StringComparison.Ordinal);
        Assert.EndsWith("(needs 6.9)", outer.Message, StringComparison.Ordinal);
        Assert.Equal(Errno.EINVAL, outer.Errno);
    }

    [Fact]
    public void EINVAL_from_a_command_newer_than_the_kernel_is_not_supported()
    {
        // As if the kernel predated BPF_PROG_STREAM_READ_BY_FD: Sys.Error compares with the running version.
        var e = Sys.Error(BpfCommand.ProgStreamReadByFd, Errno.EINVAL);
        if (LinuxKernel.Version < new Version(6, 17))
            Assert.IsType<BpfNotSupportedException>(e);
        else
            Assert.IsNotType<BpfNotSupportedException>(e);
        var notsupp = Assert.IsType<BpfNotSupportedException>(Sys.Error(BpfCommand.MapLookupBatch, Errno.ENOTSUPP));
        Assert.Equal("BPF_MAP_LOOKUP_BATCH is not supported: Operation not supported (ENOTSUPP)", notsupp.Message);
        Assert.IsType<BpfNotSupportedException>(Sys.Error(BpfCommand.MapCreate, Errno.ENOSYS));
    }

    [Fact]
    public void Disposed_objects_refuse_to_be_used()
    {
        Kernel.Require();
        var map = KernelMap.Create(Kernel.Spec(MapType.Array, 4, 4, 1, "disposed"));
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => map.TryLookup(new byte[4], new byte[4]));
        Assert.Throws<ObjectDisposedException>(() => map.Fd.Value);
    }
}
