using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>BTF loaded into the kernel, read back, and used by a map.</summary>
public sealed class BtfTests
{
    // Raw BTF with one type: [1] INT 'int' size=4 bits_offset=0 nr_bits=BITS encoding=SIGNED.
    private static byte[] IntBtf(int bits = 32)
    {
        var strings = "\0int\0"u8;
        var b = new byte[24 + 16 + strings.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(b, BtfSpec.Magic);
        b[2] = 1; // version
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 24); // hdr_len
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 0); // type_off
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 16); // type_len
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), 16); // str_off
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), (uint)strings.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(24), 1); // name_off "int"
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(28), (uint)BtfKind.Int << 24);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(32), 4); // size
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(36), (1u << 24) | (uint)bits); // BTF_INT_SIGNED, nr_bits
        strings.CopyTo(b.AsSpan(40));
        return b;
    }

    [Fact]
    public void Btf_loads_reads_back_and_types_a_map()
    {
        Kernel.Require();
        var raw = IntBtf();
        using var btf = KernelBtf.Load(raw);
        Assert.Equal(raw, btf.ReadBytes());
        var info = btf.GetInfo();
        Assert.Equal(raw.Length, info.Size);
        Assert.False(info.IsKernel);
        Assert.Equal(btf.Id, info.Id);
        var spec = btf.ReadSpec();
        Assert.Equal("int", spec.GetType(1).Name);
        Assert.Contains(btf.Id, KernelObjectIds.Btfs());

        var mapSpec = new ObjectFile.Spec.MapSpec
        {
            Name = "typed",
            Type = MapType.Hash,
            KeySize = 4,
            ValueSize = 4,
            MaxEntries = 4,
            KeyType = 1,
            ValueType = 1,
            Origin = ObjectFile.Spec.MapOrigin.BtfMaps,
            SectionName = ".maps",
        };
        using var map = KernelMap.Create(mapSpec, btf);
        var mapInfo = map.GetInfo();
        Assert.Equal(btf.Id, mapInfo.BtfId);
        Assert.Equal(1u, mapInfo.BtfKeyTypeId);
        Assert.Equal(1u, mapInfo.BtfValueTypeId);
    }

    [Fact]
    public void Rejected_btf_carries_the_btf_verifiers_log()
    {
        Kernel.Require();
        var e = Assert.Throws<BpfVerifierException>(() => KernelBtf.Load(IntBtf(bits: 64)));
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains("nr_bits exceeds type_size", e.Log, StringComparison.Ordinal);
        Assert.Contains("nr_bits exceeds type_size", e.Reason, StringComparison.Ordinal);
        Assert.StartsWith("load BTF: the BTF verifier rejected the BTF", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vmlinux_btf_opens_by_id()
    {
        Kernel.Require();
        foreach (uint id in KernelObjectIds.Btfs())
        {
            using var btf = KernelBtf.FromId(id);
            var info = btf.GetInfo();
            if (info.Name != "vmlinux")
                continue;
            Assert.True(info.IsKernel);
            if (File.Exists("/sys/kernel/btf/vmlinux"))
                Assert.Equal(new FileInfo("/sys/kernel/btf/vmlinux").Length, info.Size);
            return;
        }
        Assert.Skip("the kernel lists no vmlinux BTF (CONFIG_DEBUG_INFO_BTF off)");
    }
}
