using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.Core.Maps;
using SharpBpf.Runtime.Maps;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>
/// The userspace maps against the kernel's semantics (kernel/bpf/arraymap.c, hashtab.c,
/// lpm_trie.c, queue_stack_maps.c, ringbuf.c): flags and their errnos, max_entries, iteration order.
/// </summary>
public sealed class UserMapTests
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

    private static int Errno(Action action) => Assert.Throws<BpfMapException>(action).Errno;

    [Fact]
    public void Array_ElementsAlwaysExist_NoExistIsEexist_OutOfRangeIsE2big_DeleteIsEinval()
    {
        var map = new BpfMap<uint, ulong>(new ArrayMap("a", 8, 4));
        Assert.True(map.TryLookup(3, out var v));
        Assert.Equal(0UL, v);
        Assert.False(map.TryLookup(4, out _));
        map.Update(2, 42);
        map.Update(2, 43, MapUpdateFlags.Exist);
        Assert.Equal(43UL, map.Lookup(2));
        Assert.Equal(MapErrno.EEXIST, Errno(() => map.Update(1, 1, MapUpdateFlags.NoExist)));
        Assert.Equal(MapErrno.E2BIG, Errno(() => map.Update(4, 1)));
        Assert.Equal(MapErrno.EINVAL, Errno(() => map.Update(0, 1, MapUpdateFlags.Lock)));
        Assert.Equal(MapErrno.EINVAL, Errno(() => map.Delete(1)));
        Assert.Equal([0u, 1u, 2u, 3u], map.Keys.ToArray());
        // An out-of-range key restarts at 0; the last key ends the walk.
        var next = new byte[4];
        Assert.True(map.Map.TryGetNextKey(U32(99), next));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(next));
        Assert.False(map.Map.TryGetNextKey(U32(3), next));
    }

    [Fact]
    public void Array_CreationRulesAreBpfMapCreates()
    {
        Assert.Equal(MapErrno.EINVAL, Errno(() => UserMaps.Create("a", MapType.Array, 8, 8, 4)));
        Assert.Equal(MapErrno.EINVAL, Errno(() => UserMaps.Create("a", MapType.Array, 4, 0, 4)));
        Assert.Equal(MapErrno.EINVAL, Errno(() => UserMaps.Create("h", MapType.Hash, 0, 8, 4)));
        Assert.Equal(MapErrno.EINVAL, Errno(() => UserMaps.Create("m", MapType.ArrayOfMaps, 4, 4, 4)));
    }

    [Fact]
    public void PerCpuArray_HoldsOneValuePerCpu_RoundedToEightBytes()
    {
        var raw = new ArrayMap("pc", 4, 2, perCpu: true, possibleCpus: 3);
        Assert.True(raw.IsPerCpu);
        Assert.Equal(24, raw.ValueBufferSize);
        var map = new BpfMap<uint, uint>(raw);
        map.UpdatePerCpu(1, [10u, 20u, 30u]);
        Assert.Equal([10u, 20u, 30u], map.LookupPerCpu(1)!);
        Assert.Equal(20u, BinaryPrimitives.ReadUInt32LittleEndian(raw.ValueAt(1, cpu: 1)));
        Assert.Throws<InvalidOperationException>(() => map.TryLookup(1, out _));
    }

    [Fact]
    public void Hash_FlagsFullAndDelete()
    {
        var map = new BpfMap<uint, ulong>(new HashMap("h", MapType.Hash, 4, 8, 3));
        map.Update(1, 10, MapUpdateFlags.NoExist);
        Assert.Equal(MapErrno.EEXIST, Errno(() => map.Update(1, 11, MapUpdateFlags.NoExist)));
        Assert.Equal(MapErrno.ENOENT, Errno(() => map.Update(2, 20, MapUpdateFlags.Exist)));
        map.Update(2, 20);
        map.Update(3, 30);
        Assert.Equal(MapErrno.E2BIG, Errno(() => map.Update(4, 40)));
        map.Update(3, 33); // replacing in a full map is fine
        Assert.Equal(33UL, map.Lookup(3));
        Assert.True(map.Delete(2));
        Assert.False(map.Delete(2));
        map.Update(4, 40);
        Assert.Equal([1u, 3u, 4u], map.Keys.Order().ToArray());
        Assert.Equal(3, ((UserMap)map.Map).Count);
        var value = new byte[8];
        Assert.True(map.Map.TryLookupAndDelete(U32(4), value));
        Assert.Equal(40UL, BinaryPrimitives.ReadUInt64LittleEndian(value));
        Assert.False(map.TryLookup(4, out _));
    }

    [Fact]
    public void Hash_NextKeyOfAnAbsentKeyIsTheFirst_AndIterationIsDeterministic()
    {
        var map = new HashMap("h", MapType.Hash, 4, 4, 100);
        for (uint i = 0; i < 50; i++)
            map.Update(U32(i * 7), U32(i));
        var typed = new BpfMap<uint, uint>(map);
        var keys = typed.Keys.ToArray();
        Assert.Equal(50, keys.Distinct().Count());
        var first = new byte[4];
        Assert.True(map.TryGetNextKey(default, first));
        var next = new byte[4];
        Assert.True(map.TryGetNextKey(U32(999_999), next));
        Assert.Equal(first, next);
        var again = new HashMap("h2", MapType.Hash, 4, 4, 100);
        for (uint i = 0; i < 50; i++)
            again.Update(U32(i * 7), U32(i));
        Assert.Equal(keys, new BpfMap<uint, uint>(again).Keys.ToArray());
    }

    [Fact]
    public void PerCpuHash_ValuesPerCpu()
    {
        var map = new BpfMap<ulong, ulong>(new HashMap("ph", MapType.PercpuHash, 8, 8, 4, possibleCpus: 2));
        map.UpdatePerCpu(7, [1UL, 2UL]);
        Assert.Equal([1UL, 2UL], map.LookupPerCpu(7)!);
        Assert.Null(map.LookupPerCpu(8));
    }

    [Fact]
    public void Lru_EvictsTheLeastRecentlyUsed_ProgramLookupsCount_HostLookupsDoNot()
    {
        var raw = new HashMap("lru", MapType.LruHash, 4, 4, 3);
        var map = new BpfMap<uint, uint>(raw);
        map.Update(1, 1);
        map.Update(2, 2);
        map.Update(3, 3);
        // A program's lookup of 1 makes it recent: 2 is now the least recent.
        Assert.True(raw.ProgramLookup(U32(1), 0) >= 0);
        Assert.True(map.TryLookup(2, out _)); // the host's lookup changes nothing
        map.Update(4, 4, MapUpdateFlags.NoExist);
        Assert.Equal([1u, 3u, 4u], map.Keys.Order().ToArray());
        map.Update(3, 33); // an update is a use too
        map.Update(5, 5);
        Assert.Equal([3u, 4u, 5u], map.Keys.Order().ToArray());
    }

    private static byte[] Prefix(int length, params byte[] ip) => [.. U32((uint)length), .. ip];

    [Fact]
    public void LpmTrie_LongestPrefixMatch()
    {
        var trie = new LpmTrieMap("lpm", 8, 4, 10);
        trie.Update(Prefix(8, 10, 0, 0, 0), U32(1));
        trie.Update(Prefix(16, 10, 1, 0, 0), U32(2));
        trie.Update(Prefix(24, 10, 1, 2, 0), U32(3));
        trie.Update(Prefix(0, 0, 0, 0, 0), U32(9));
        uint Find(int length, params byte[] ip)
        {
            var v = new byte[4];
            return trie.TryLookup(Prefix(length, ip), v) ? BinaryPrimitives.ReadUInt32LittleEndian(v) : 0;
        }
        Assert.Equal(3u, Find(32, 10, 1, 2, 3));
        Assert.Equal(2u, Find(32, 10, 1, 9, 9));
        Assert.Equal(1u, Find(32, 10, 9, 9, 9));
        Assert.Equal(9u, Find(32, 11, 0, 0, 0));
        // The key's prefixlen caps the match.
        Assert.Equal(2u, Find(16, 10, 1, 2, 3));
        // Bits after prefixlen do not matter in updates and deletes.
        trie.Update(Prefix(16, 10, 1, 77, 77), U32(22), MapUpdateFlags.Exist);
        Assert.Equal(22u, Find(32, 10, 1, 9, 9));
        Assert.True(trie.Delete(Prefix(0, 1, 2, 3, 4)));
        Assert.Equal(0u, Find(32, 11, 0, 0, 0));
        Assert.False(trie.Delete(Prefix(12, 10, 0, 0, 0)));
        Assert.Equal(MapErrno.EINVAL, Errno(() => trie.Update(Prefix(33, 10, 0, 0, 0), U32(0))));
        Assert.Equal(MapErrno.EEXIST, Errno(() => trie.Update(Prefix(8, 10, 0, 0, 0), U32(0), MapUpdateFlags.NoExist)));
    }

    [Fact]
    public void LpmTrie_IteratesInTheKernelsPostOrder_AndIsBounded()
    {
        var trie = new LpmTrieMap("lpm", 8, 4, 4);
        trie.Update(Prefix(8, 10, 0, 0, 0), U32(1));
        trie.Update(Prefix(16, 10, 1, 0, 0), U32(2));
        trie.Update(Prefix(24, 10, 1, 2, 0), U32(3));
        trie.Update(Prefix(24, 10, 0, 5, 0), U32(4));
        Assert.Equal(MapErrno.ENOSPC, Errno(() => trie.Update(Prefix(24, 10, 0, 6, 0), U32(5))));
        var order = new List<string>();
        var key = new byte[8];
        var next = new byte[8];
        bool more = trie.TryGetNextKey(default, next);
        while (more)
        {
            order.Add($"{next[4]}.{next[5]}.{next[6]}.{next[7]}/{next[0]}");
            (key, next) = (next, key);
            more = trie.TryGetNextKey(key, next);
        }
        Assert.Equal(["10.0.5.0/24", "10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8"], order);
        Assert.True(trie.TryGetNextKey(Prefix(20, 1, 1, 1, 1), next)); // absent: the first again
        Assert.Equal(Prefix(24, 10, 0, 5, 0), next);
        Assert.Equal(MapErrno.EINVAL, Errno(() => _ = new LpmTrieMap("x", 8, 4, 4, flags: 0)));
    }

    [Theory]
    [InlineData(MapType.Queue, new uint[] { 2, 3, 4 })]
    [InlineData(MapType.Stack, new uint[] { 4, 3, 2 })]
    public void QueueAndStack_PushPopPeek(MapType type, uint[] popped)
    {
        var map = new QueueStackMap("q", type, 4, 3);
        map.Update([], U32(1));
        map.Update([], U32(2));
        map.Update([], U32(3));
        Assert.Equal(MapErrno.E2BIG, Errno(() => map.Update([], U32(4))));
        map.Update([], U32(4), MapUpdateFlags.Exist); // overwrites the oldest (1)
        var v = new byte[4];
        Assert.True(map.TryLookup([], v)); // peek
        Assert.Equal(popped[0], BinaryPrimitives.ReadUInt32LittleEndian(v));
        foreach (uint expected in popped)
        {
            Assert.True(map.TryLookupAndDelete([], v));
            Assert.Equal(expected, BinaryPrimitives.ReadUInt32LittleEndian(v));
        }
        Assert.False(map.TryLookupAndDelete([], v));
        Assert.False(map.TryLookup([], v));
        Assert.Equal(MapErrno.EINVAL, Errno(() => map.Delete([])));
        Assert.Equal(MapErrno.EINVAL, Errno(() => map.TryGetNextKey([], Array.Empty<byte>())));
        Assert.Equal(MapErrno.EINVAL, Errno(() => map.Update([], U32(5), MapUpdateFlags.NoExist)));
    }

    [Fact]
    public void RingBuffer_ReserveCommitConsume_InOrder()
    {
        Assert.Equal(MapErrno.EINVAL, Errno(() => _ = new RingBufferMap("r", 3000)));
        Assert.Equal(MapErrno.EINVAL, Errno(() => _ = new RingBufferMap("r", 4096 * 3)));
        var ring = new RingBufferMap("r", 4096);
        int a = ring.Reserve(5);
        int b = ring.Reserve(16);
        int c = ring.Reserve(3);
        Assert.Equal(8, a);
        Assert.Equal(8 + 16, b); // 5 + 8 rounded to 16
        ring.Values!.AsSpan(b, 16).Fill(0xBB);
        Assert.True(ring.Commit(b, discard: false));
        var got = new List<byte[]>();
        Assert.Equal(0, ring.Consume(r => got.Add(r.ToArray()))); // a is still reserved: nothing passes it
        Assert.True(ring.Commit(a, discard: true));
        Assert.False(ring.Commit(a, discard: false)); // no longer reserved
        Assert.Equal(1, ring.Consume(r => got.Add(r.ToArray())));
        Assert.Equal(Enumerable.Repeat((byte)0xBB, 16), got[0]);
        Assert.True(ring.Commit(c, discard: false));
        Assert.Equal(3, ring.TryRead()!.Length);
        Assert.Null(ring.TryRead());
        Assert.Equal(0, ring.AvailableData);
        Assert.Equal(-1, ring.Reserve(4096));
        Assert.Equal(MapErrno.ENOTSUPP, Errno(() => ring.Update([], [])));
    }

    [Fact]
    public void RingBuffer_FullRejects_ThenWrapsContiguously()
    {
        var ring = new RingBufferMap("r", 4096);
        int first = ring.Reserve(4000);
        Assert.True(first > 0);
        Assert.Equal(-1, ring.Reserve(200)); // 4008 + 208 > 4096
        ring.Commit(first, false);
        Assert.NotNull(ring.TryRead());
        int wrapped = ring.Reserve(200); // starts at 4008: its data runs past the ring's end, contiguously
        Assert.Equal(4016, wrapped);
        ring.Values!.AsSpan(wrapped, 200).Fill(7);
        ring.Commit(wrapped, false);
        Assert.Equal(Enumerable.Repeat((byte)7, 200), ring.TryRead());
    }

    [Fact]
    public void PerfEventArray_EmptySlotsAreEnoent_FullBuffersLoseSamples()
    {
        var perf = new PerfEventArrayMap("events", 2);
        Assert.Equal(-MapErrno.ENOENT, perf.Output(0, [1, 2, 3]));
        Assert.Equal(-MapErrno.E2BIG, perf.Output(2, [1]));
        perf.Open(bytesPerSlot: 4);
        Assert.Equal(0, perf.Output(1, [1, 2, 3]));
        Assert.Equal(-MapErrno.ENOSPC, perf.Output(1, [4, 5]));
        Assert.Equal(1, perf.LostSamples(1));
        var samples = perf.Drain();
        Assert.Single(samples);
        Assert.Equal(1, samples[0].Index);
        Assert.Equal([1, 2, 3], samples[0].Data);
    }
}
