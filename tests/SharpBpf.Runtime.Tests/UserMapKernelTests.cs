using SharpBpf.Core;
using SharpBpf.Core.Maps;
using SharpBpf.Linux;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.Runtime.Maps;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>
/// The same random operation sequences on a kernel map (bpf(2), as root) and a userspace map of
/// the same spec: every outcome (value, "absent", errno) and every iteration must agree. Hash
/// maps iterate in the kernel's jhash order, so only their key sets are compared; arrays and
/// LPM tries must iterate in the same order. LRU maps are left out: the kernel's LRU is
/// approximate (per-CPU free lists), this one exact.
/// </summary>
public sealed class UserMapKernelTests
{
    private static readonly Lazy<string?> Unavailable = new(() =>
    {
        if (!OperatingSystem.IsLinux())
            return "bpf(2) needs Linux";
        try
        {
            using var m = KernelMap.Create(Spec(MapType.Array, 4, 4, 1, 0));
            return null;
        }
        catch (BpfException e)
        {
            return $"cannot create kernel maps here: {e.Message}";
        }
    });

    private static MapSpec Spec(MapType type, uint key, uint value, uint max, uint flags) => new()
    {
        Name = "cmp", Type = type, KeySize = key, ValueSize = value, MaxEntries = max, Flags = flags,
        Origin = MapOrigin.BtfMaps, SectionName = ".maps",
    };

    private static string Outcome(Func<string> op)
    {
        try
        {
            return op();
        }
        catch (BpfException e)
        {
            return $"errno {(int)e.Errno}";
        }
        catch (BpfMapException e)
        {
            return $"errno {e.Errno}";
        }
    }

    private static List<string> Apply(IBpfMap map, int seed, int ops, Func<Random, byte[]> key, int valueSize)
    {
        var rng = new Random(seed);
        var log = new List<string>();
        var buffer = new byte[map.ValueBufferSize];
        for (int i = 0; i < ops; i++)
        {
            var k = key(rng);
            int op = rng.Next(5);
            var value = new byte[map.ValueBufferSize];
            rng.NextBytes(value);
            if (map.IsPerCpu)
            {
                // Padding between CPUs' values reads back as zero: write it as zero.
                int stride = BpfMapLayout.PerCpuStride(valueSize);
                for (int c = 0; c < map.PossibleCpus; c++)
                    value.AsSpan(c * stride + valueSize, stride - valueSize).Clear();
            }
            var flags = (MapUpdateFlags)rng.Next(3);
            log.Add(op switch
            {
                0 or 1 => Outcome(() => { map.Update(k, value, flags); return $"update {flags} ok"; }),
                2 => Outcome(() => map.TryLookup(k, buffer) ? "lookup " + Convert.ToHexString(buffer) : "lookup absent"),
                3 => Outcome(() => map.Delete(k) ? "delete ok" : "delete absent"),
                // Which key follows a present one depends on the hash order: only absent keys (-> the first key) compare.
                _ when map.Type is MapType.Hash or MapType.PercpuHash && map.TryLookup(k, buffer) => "next of a present key",
                _ => Outcome(() => map.TryGetNextKey(k, new byte[map.KeySize]) ? "next ok" : "next end"),
            });
        }
        return log;
    }

    private static List<string> Keys(IBpfMap map)
    {
        var keys = new List<string>();
        var next = new byte[map.KeySize];
        bool more = map.TryGetNextKey(default, next);
        while (more && keys.Count <= map.MaxEntries)
        {
            keys.Add(Convert.ToHexString(next));
            var current = (byte[])next.Clone();
            more = map.TryGetNextKey(current, next);
        }
        return keys;
    }

    [Theory]
    [InlineData(MapType.Hash, 4u, 8u, 8u, 0u, 12)]
    [InlineData(MapType.PercpuHash, 4u, 4u, 4u, 0u, 6)]
    [InlineData(MapType.Array, 4u, 8u, 6u, 0u, 9)]
    [InlineData(MapType.PercpuArray, 4u, 12u, 3u, 0u, 5)]
    [InlineData(MapType.LpmTrie, 6u, 4u, 8u, 1u, 0)]
    public void SameOutcomesAsTheKernel(MapType type, uint keySize, uint valueSize, uint max, uint flags, int keyRange)
    {
        if (Unavailable.Value is { } reason)
            Assert.Skip(reason);
        var spec = Spec(type, keySize, valueSize, max, flags);
        using var kernel = KernelMap.Create(spec);
        var user = UserMaps.Create(spec, kernel.PossibleCpus);
        Func<Random, byte[]> key = type == MapType.LpmTrie
            ? rng => [(byte)rng.Next(17), 0, 0, 0, (byte)(rng.Next(4) << 6), (byte)rng.Next(4)]
            : rng =>
            {
                var k = new byte[keySize];
                k[0] = (byte)rng.Next(keyRange);
                return k;
            };
        for (int seed = 0; seed < 4; seed++)
        {
            var expected = Apply(kernel, seed, 300, key, (int)valueSize);
            var actual = Apply(user, seed, 300, key, (int)valueSize);
            for (int i = 0; i < expected.Count; i++)
                Assert.True(expected[i] == actual[i], $"seed {seed}, op {i}: kernel '{expected[i]}', userspace '{actual[i]}'");
            var kernelKeys = Keys(kernel);
            var userKeys = Keys(user);
            if (type is MapType.Hash or MapType.PercpuHash)
            {
                kernelKeys.Sort(StringComparer.Ordinal);
                userKeys.Sort(StringComparer.Ordinal);
            }
            Assert.Equal(kernelKeys, userKeys);
        }
    }

    [Theory]
    [InlineData(MapType.Queue)]
    [InlineData(MapType.Stack)]
    public void QueueAndStack_SameOutcomesAsTheKernel(MapType type)
    {
        if (Unavailable.Value is { } reason)
            Assert.Skip(reason);
        var spec = Spec(type, 0, 4, 5, 0);
        using var kernel = KernelMap.Create(spec);
        var user = UserMaps.Create(spec);
        List<string> Run(IBpfMap map)
        {
            var rng = new Random(7);
            var log = new List<string>();
            var v = new byte[4];
            for (int i = 0; i < 400; i++)
            {
                int op = rng.Next(4);
                var value = BitConverter.GetBytes(i);
                var flags = rng.Next(2) == 0 ? MapUpdateFlags.Any : MapUpdateFlags.Exist;
                log.Add(op switch
                {
                    0 or 1 => Outcome(() => { map.Update([], value, flags); return "push ok"; }),
                    2 => Outcome(() => map.TryLookupAndDelete([], v) ? "pop " + BitConverter.ToInt32(v) : "pop empty"),
                    _ => Outcome(() => map.TryLookup([], v) ? "peek " + BitConverter.ToInt32(v) : "peek empty"),
                });
            }
            return log;
        }
        Assert.Equal(Run(kernel), Run(user));
    }
}
