using System.Buffers.Binary;
using SharpBpf.Core;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>Pinning on bpffs; every test removes its pins.</summary>
public sealed class PinTests
{
    [Fact]
    public void Pinned_map_outlives_its_fd_and_unpins()
    {
        Kernel.RequireBpfFs();
        string path = Kernel.PinPath("map");
        try
        {
            uint id;
            using (var map = KernelMap.Create(Kernel.Spec(MapType.Hash, 4, 4, 4, "pinned")))
            {
                map.Update(BitConverter.GetBytes(1u), BitConverter.GetBytes(99u));
                map.Pin(path);
                Assert.Equal(path, map.PinnedPath);
                id = map.Id;
            }
            Assert.True(File.Exists(path));
            using (var again = KernelMap.OpenPinned(path))
            {
                Assert.Equal(id, again.Id);
                Assert.Equal("pinned", again.Name);
                var value = new byte[4];
                Assert.True(again.TryLookup(BitConverter.GetBytes(1u), value));
                Assert.Equal(99u, BinaryPrimitives.ReadUInt32LittleEndian(value));
                again.Unpin();
                Assert.Null(again.PinnedPath);
            }
            Assert.False(File.Exists(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_only_open_refuses_writes()
    {
        Kernel.RequireBpfFs();
        string path = Kernel.PinPath("ro");
        try
        {
            using var map = KernelMap.Create(Kernel.Spec(MapType.Array, 4, 4, 1, "ro"));
            map.Pin(path);
            using var ro = KernelMap.OpenPinned(path, Native.MapFlags.Rdonly);
            Assert.True(ro.TryLookup(new byte[4], new byte[4]));
            var e = Assert.Throws<BpfException>(() => ro.Update(new byte[4], new byte[4]));
            Assert.Equal(Errno.EPERM, e.Errno);
            Assert.Equal(BpfCommand(Native.BpfCommand.MapUpdateElem), e.Command);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Pinning_outside_bpffs_is_refused()
    {
        Kernel.Require();
        string path = Path.Combine(Path.GetTempPath(), $"sharpbpf-not-bpffs-{Guid.NewGuid():N}");
        try
        {
            using var map = KernelMap.Create(Kernel.Spec(MapType.Array, 4, 4, 1, "nopin"));
            var e = Assert.Throws<BpfException>(() => map.Pin(path));
            Assert.Equal(Errno.EPERM, e.Errno);
            Assert.StartsWith($"pin map 'nopin' at {path}: BPF_OBJ_PIN:", e.Message, StringComparison.Ordinal);
            Assert.Null(map.PinnedPath);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Opening_a_missing_pin_is_ENOENT()
    {
        Kernel.RequireBpfFs();
        string path = Kernel.PinPath("missing");
        var e = Assert.Throws<BpfException>(() => KernelMap.OpenPinned(path));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Equal([$"open pinned map {path}"], e.Context);
    }

    private static Native.BpfCommand? BpfCommand(Native.BpfCommand c) => c;
}
