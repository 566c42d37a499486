using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.Core.Maps;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>BPF_MAP_*_BATCH against the kernel.</summary>
public sealed class BatchTests
{
    [Fact]
    public void Hash_batches_update_read_in_pieces_and_delete()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.Hash, 4, 8, 256, "batch"));
        const int n = 100;
        var keys = new byte[n * 4];
        var values = new byte[n * 8];
        for (int i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(i * 4), (uint)i);
            BinaryPrimitives.WriteUInt64LittleEndian(values.AsSpan(i * 8), (ulong)i * 1000);
        }
        Assert.Equal(n, map.UpdateBatch(keys, values));

        var seen = ReadAll(map, (cursor, k, v) => map.LookupBatch(cursor, k, v));
        Assert.Equal(n, seen.Count);
        for (uint i = 0; i < n; i++)
            Assert.Equal((ulong)i * 1000, seen[i]);

        Assert.Equal(10, map.DeleteBatch(keys.AsSpan(0, 40)));
        Assert.Equal(n - 10, new BpfMap<uint, ulong>(map).Keys.Count());
        // A key already gone stops the batch at it.
        Assert.Equal(0, map.DeleteBatch(keys.AsSpan(0, 4)));

        var drained = ReadAll(map, (cursor, k, v) => map.LookupAndDeleteBatch(cursor, k, v));
        Assert.Equal(n - 10, drained.Count);
        Assert.Empty(new BpfMap<uint, ulong>(map).Keys);
    }

    [Fact]
    public void Percpu_array_batch_values_hold_every_cpu()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.PercpuArray, 4, 8, 4, "pcpubatch"));
        int stride = map.ValueBufferSize;
        var keys = new byte[4 * 4];
        var values = new byte[4 * stride];
        for (int i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(i * 4), (uint)i);
            for (int cpu = 0; cpu < map.PossibleCpus; cpu++)
                BinaryPrimitives.WriteUInt64LittleEndian(values.AsSpan(i * stride + cpu * 8), (ulong)(i * 10 + cpu));
        }
        map.UpdateBatch(keys, values);
        var cursor = new MapBatchCursor();
        var outKeys = new byte[keys.Length];
        var outValues = new byte[values.Length];
        int read = map.LookupBatch(cursor, outKeys, outValues);
        Assert.Equal(4, read);
        Assert.Equal(values, outValues);
    }

    [Fact]
    public void Arrays_cannot_batch_delete_and_say_so()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.Array, 4, 4, 4, "nodelete"));
        var e = Assert.Throws<BpfNotSupportedException>(() => map.DeleteBatch(new byte[4]));
        Assert.Equal(Errno.ENOTSUPP, e.Errno);
        Assert.Equal("BPF_MAP_DELETE_BATCH on array maps", e.Feature);
        Assert.Null(e.MinimumKernel);
        Assert.Equal("map 'nodelete': BPF_MAP_DELETE_BATCH on array maps is not supported: Operation not supported (ENOTSUPP)", e.Message);
    }

    private static Dictionary<uint, ulong> ReadAll(KernelMap map, Func<MapBatchCursor, byte[], byte[], int> batch)
    {
        var result = new Dictionary<uint, ulong>();
        var cursor = new MapBatchCursor();
        var keys = new byte[16 * 4];
        var values = new byte[16 * 8];
        int calls = 0;
        while (!cursor.IsDone)
        {
            int count = batch(cursor, keys, values);
            for (int i = 0; i < count; i++)
                result.Add(BinaryPrimitives.ReadUInt32LittleEndian(keys.AsSpan(i * 4)), BinaryPrimitives.ReadUInt64LittleEndian(values.AsSpan(i * 8)));
            Assert.True(++calls < 100, "batch lookup does not end");
        }
        Assert.True(calls > 1, "expected several batches of 16");
        return result;
    }
}
