using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Core.Maps;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>Maps in the real kernel: each type's round-trip through bpf(2), bytes and typed.</summary>
public sealed class MapTests
{
    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    private static byte[] U64(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        return b;
    }

    [Fact]
    public void Array_round_trips_and_lists_every_index()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.Array, 4, 8, 4, "arr"));
        map.Update(U32(2), U64(0x1122334455667788));
        var value = new byte[8];
        Assert.True(map.TryLookup(U32(2), value));
        Assert.Equal(0x1122334455667788UL, BinaryPrimitives.ReadUInt64LittleEndian(value));
        Assert.True(map.TryLookup(U32(0), value));
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(value));
        Assert.False(map.TryLookup(U32(4), value));
        var typed = new BpfMap<uint, ulong>(map);
        Assert.Equal([0u, 1, 2, 3], typed.Keys.ToArray());
        Assert.Equal(0x1122334455667788UL, typed.Lookup(2));
        // Array elements cannot be deleted: kernel/bpf/arraymap.c, array_map_delete_elem returns -EINVAL.
        var e = Assert.Throws<BpfException>(() => map.Delete(U32(1)));
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Equal("map 'arr': BPF_MAP_DELETE_ELEM: Invalid argument (EINVAL)", e.Message);
    }

    [Fact]
    public void Hash_honours_update_flags_and_capacity()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.Hash, 4, 8, 2, "hash"));
        var typed = new BpfMap<uint, ulong>(map);
        typed.Update(1, 10, MapUpdateFlags.NoExist);
        Assert.Equal(Errno.EEXIST, Assert.Throws<BpfException>(() => typed.Update(1, 11, MapUpdateFlags.NoExist)).Errno);
        Assert.Equal(Errno.ENOENT, Assert.Throws<BpfException>(() => typed.Update(2, 20, MapUpdateFlags.Exist)).Errno);
        typed.Update(1, 12, MapUpdateFlags.Exist);
        typed.Update(2, 20);
        Assert.Equal(Errno.E2BIG, Assert.Throws<BpfException>(() => typed.Update(3, 30)).Errno);
        Assert.Equal(new Dictionary<uint, ulong> { [1] = 12, [2] = 20 }, typed.Entries.ToDictionary());
        Assert.True(typed.Delete(1));
        Assert.False(typed.Delete(1));
        Assert.False(typed.TryLookup(1, out _));
        Assert.Equal([2u], typed.Keys.ToArray());
    }

    [Fact]
    public void Lru_hash_evicts_instead_of_failing()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.LruHash, 4, 4, 64, "lru"));
        var typed = new BpfMap<uint, uint>(map);
        for (uint i = 0; i < 1000; i++)
            typed.Update(i, i * 2);
        int count = typed.Keys.Count();
        Assert.InRange(count, 1, 64 + LinuxKernel.PossibleCpus * 64);
        Assert.Equal(999u * 2, typed.Lookup(999));
    }

    [Fact]
    public void Percpu_array_has_a_value_per_possible_cpu_in_8_byte_strides()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.PercpuArray, 4, 4, 2, "pcpu"));
        int cpus = LinuxKernel.PossibleCpus;
        Assert.True(map.IsPerCpu);
        Assert.Equal(cpus, map.PossibleCpus);
        Assert.Equal(8 * cpus, map.ValueBufferSize);
        var typed = new BpfMap<uint, uint>(map);
        var values = Enumerable.Range(1, cpus).Select(i => (uint)(i * 100)).ToArray();
        typed.UpdatePerCpu(1, values);
        Assert.Equal(values, typed.LookupPerCpu(1));
        // The raw buffer: CPU n's value at n*8, padding zero.
        var raw = new byte[map.ValueBufferSize];
        Assert.True(map.TryLookup(U32(1), raw));
        for (int cpu = 0; cpu < cpus; cpu++)
        {
            Assert.Equal(values[cpu], BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(cpu * 8)));
            Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(cpu * 8 + 4)));
        }
        Assert.Throws<InvalidOperationException>(() => typed.Update(1, 5));
        Assert.Throws<ArgumentException>(() => map.TryLookup(U32(1), new byte[4]));
    }

    [Fact]
    public void Percpu_hash_round_trips()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.PercpuHash, 8, 16, 8, "pcpuhash"));
        var typed = new BpfMap<ulong, Pair>(map);
        var values = new Pair[LinuxKernel.PossibleCpus];
        for (int i = 0; i < values.Length; i++)
            values[i] = new Pair((ulong)i, (ulong)i * 7);
        typed.UpdatePerCpu(42, values);
        Assert.Equal(values, typed.LookupPerCpu(42));
        Assert.Null(typed.LookupPerCpu(43));
        var entry = Assert.Single(typed.PerCpuEntries);
        Assert.Equal(42UL, entry.Key);
    }

    [Fact]
    public void Lpm_trie_finds_the_longest_prefix()
    {
        Kernel.Require();
        // struct bpf_lpm_trie_key_u8 { __u32 prefixlen; __u8 data[4]; }; needs BPF_F_NO_PREALLOC.
        using var map = KernelMap.Create(Kernel.Spec(MapType.LpmTrie, 8, 4, 16, "lpm", (uint)Native.MapFlags.NoPrealloc));
        var typed = new BpfMap<LpmKey, uint>(map);
        typed.Update(new LpmKey(8, 10, 0, 0, 0), 8);
        typed.Update(new LpmKey(24, 10, 1, 2, 0), 24);
        Assert.Equal(24u, typed.Lookup(new LpmKey(32, 10, 1, 2, 3)));
        Assert.Equal(8u, typed.Lookup(new LpmKey(32, 10, 9, 9, 9)));
        Assert.False(typed.TryLookup(new LpmKey(32, 11, 0, 0, 0), out _));
    }

    [Theory]
    [InlineData(MapType.Queue, new ulong[] { 1, 2, 3 })]
    [InlineData(MapType.Stack, new ulong[] { 3, 2, 1 })]
    public void Queue_and_stack_push_peek_and_pop(MapType type, ulong[] popped)
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(type, 0, 8, 3, type.ToString().ToLowerInvariant()));
        foreach (ulong v in new ulong[] { 1, 2, 3 })
            map.Update([], U64(v));
        Assert.Equal(Errno.E2BIG, Assert.Throws<BpfException>(() => map.Update([], U64(4))).Errno);
        var value = new byte[8];
        Assert.True(map.TryLookup([], value));
        Assert.Equal(popped[0], BinaryPrimitives.ReadUInt64LittleEndian(value));
        foreach (var expected in popped)
        {
            Assert.True(map.TryLookupAndDelete([], value));
            Assert.Equal(expected, BinaryPrimitives.ReadUInt64LittleEndian(value));
        }
        Assert.False(map.TryLookupAndDelete([], value));
        Assert.False(map.TryLookup([], value));
    }

    [Fact]
    public void Ringbuf_and_perf_event_array_are_created_as_the_kernel_wants_them()
    {
        Kernel.Require();
        using (var ring = KernelMap.Create(Kernel.Spec(MapType.Ringbuf, 0, 0, (uint)Environment.SystemPageSize * 4, "ring")))
        {
            var info = ring.GetInfo();
            Assert.Equal(MapType.Ringbuf, info.Type);
            Assert.Equal(Environment.SystemPageSize * 4, info.MaxEntries);
            Assert.Equal("ring", info.Name);
        }
        // max_entries 0: one slot per possible CPU, as libbpf does.
        using var perf = KernelMap.Create(Kernel.Spec(MapType.PerfEventArray, 4, 4, 0, "events"));
        Assert.Equal(LinuxKernel.PossibleCpus, perf.MaxEntries);
        Assert.Equal(LinuxKernel.PossibleCpus, perf.GetInfo().MaxEntries);
    }

    [Fact]
    public void Map_of_maps_is_created_with_its_inner_map()
    {
        Kernel.Require();
        var spec = new ObjectFile.Spec.MapSpec
        {
            Name = "outer",
            Type = MapType.ArrayOfMaps,
            KeySize = 4,
            ValueSize = 4,
            MaxEntries = 2,
            Origin = ObjectFile.Spec.MapOrigin.BtfMaps,
            SectionName = ".maps",
            InnerMap = Kernel.Spec(MapType.Hash, 4, 4, 8, "inner"),
        };
        using var outer = KernelMap.Create(spec);
        using var inner = KernelMap.Create(Kernel.Spec(MapType.Hash, 4, 4, 8, "inner"));
        outer.Update(U32(1), U32((uint)inner.Fd.Value));
        // Lookups of a map-of-maps return the inner map's id.
        var id = new byte[4];
        Assert.True(outer.TryLookup(U32(1), id));
        Assert.Equal(inner.Id, BinaryPrimitives.ReadUInt32LittleEndian(id));
    }

    [Fact]
    public void Names_are_sanitized_like_libbpf()
    {
        Kernel.Require();
        Assert.Equal("my_map.bss", ObjectName.Sanitize("my-map.bss"));
        Assert.Equal("a_very_long_nam", ObjectName.Sanitize("a_very_long_name_indeed"));
        using var map = KernelMap.Create(Kernel.Spec(MapType.Array, 4, 4, 1, "bad name/with:chars_long"));
        Assert.Equal("bad_name_with_c", map.Name);
        Assert.Equal("bad_name_with_c", map.GetInfo().Name);
    }

    [Fact]
    public void Data_sections_are_populated_and_read_only_ones_frozen()
    {
        Kernel.Require();
        var spec = new ObjectFile.Spec.MapSpec
        {
            Name = ".rodata",
            Type = MapType.Array,
            KeySize = 4,
            ValueSize = 8,
            MaxEntries = 1,
            Origin = ObjectFile.Spec.MapOrigin.Data,
            SectionName = ".rodata",
            Contents = [1, 2, 3, 4],
            ReadOnly = true,
        };
        using var map = KernelMap.Create(spec);
        var value = new byte[8];
        Assert.True(map.TryLookup(U32(0), value));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 0, 0, 0, 0 }, value);
        // Frozen: userspace may not write any more (kernel/bpf/syscall.c, map_get_sys_perms).
        var e = Assert.Throws<BpfException>(() => map.Update(U32(0), value));
        Assert.Equal(Errno.EPERM, e.Errno);
    }

    [Fact]
    public void Maps_reopen_by_id_and_fd_with_their_shape()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.Hash, 4, 16, 32, "shape", (uint)Native.MapFlags.NoPrealloc));
        map.Update(U32(7), new byte[16]);
        using var byId = KernelMap.FromId(map.Id);
        Assert.Equal((MapType.Hash, 4, 16, 32, "shape"), (byId.Type, byId.KeySize, byId.ValueSize, byId.MaxEntries, byId.Name));
        Assert.Equal(Native.MapFlags.NoPrealloc, byId.Flags);
        Assert.Equal(map.Id, byId.Id);
        Assert.True(byId.TryLookup(U32(7), new byte[16]));
        using var dup = KernelMap.FromFd(map.Fd.Duplicate());
        Assert.Equal(map.Id, dup.Id);
        Assert.Contains(map.Id, KernelObjectIds.Maps());
    }

    [Fact]
    public void Typed_view_rejects_structs_of_the_wrong_size()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.Hash, 4, 8, 1, "sizes"));
        var e = Assert.Throws<ArgumentException>(() => new BpfMap<ulong, ulong>(map));
        Assert.Contains("4-byte keys", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => map.Update(new byte[3], new byte[8]));
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Pair(ulong A, ulong B);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct LpmKey(uint PrefixLength, byte A, byte B, byte C, byte D);
}
