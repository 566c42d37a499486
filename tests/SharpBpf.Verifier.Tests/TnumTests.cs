using CsCheck;
using SharpBpf.Verifier.Domains;
using Xunit;

namespace SharpBpf.Verifier.Tests;

/// <summary>Tracked numbers: each operation contains the results of its members; the lattice laws.</summary>
public sealed class TnumTests
{
    /// <summary>A tnum with a few unknown bits, and all its members (at most 2^6).</summary>
    private static readonly Gen<(Tnum T, ulong[] Members)> SmallTnum =
        Gen.Select(ScalarDomainTests.Value, Gen.Int[0, 63].Array[0, 6]).Select((v, bits) =>
        {
            ulong mask = 0;
            foreach (int b in bits)
                mask |= 1UL << b;
            var t = new Tnum(v & ~mask, mask);
            var members = new List<ulong>();
            // Enumerate submasks of mask.
            ulong m = mask;
            while (true)
            {
                members.Add(t.Value | m);
                if (m == 0)
                    break;
                m = (m - 1) & mask;
            }
            return (t, members.ToArray());
        });

    [Fact]
    public void Operations_contain_the_results_of_their_members()
    {
        Gen.Select(SmallTnum, SmallTnum).Sample((a, b) =>
        {
            var add = a.T + b.T;
            var sub = a.T - b.T;
            var mul = a.T * b.T;
            var and = a.T & b.T;
            var or = a.T | b.T;
            var xor = a.T ^ b.T;
            foreach (var x in a.Members)
            {
                foreach (var y in b.Members)
                {
                    Assert.True(add.Contains(x + y), $"{a.T} + {b.T} lacks {x + y:x}");
                    Assert.True(sub.Contains(x - y), $"{a.T} - {b.T} lacks {x - y:x}");
                    Assert.True(mul.Contains(x * y), $"{a.T} * {b.T} lacks {x * y:x}");
                    Assert.True(and.Contains(x & y));
                    Assert.True(or.Contains(x | y));
                    Assert.True(xor.Contains(x ^ y));
                }
            }
        }, iter: 5_000);
    }

    [Fact]
    public void Shifts_casts_and_swaps_contain_their_members()
    {
        Gen.Select(SmallTnum, Gen.Int[0, 63]).Sample((a, n) =>
        {
            foreach (var x in a.Members)
            {
                Assert.True(a.T.Lsh(n).Contains(x << n));
                Assert.True(a.T.Rsh(n).Contains(x >> n));
                Assert.True(a.T.Arsh(n).Contains((ulong)((long)x >> n)));
                Assert.True(a.T.Arsh32(n & 31).Contains((uint)((int)(uint)x >> (n & 31))));
                Assert.True(a.T.Cast(2).Contains(x & 0xffff));
                Assert.True(a.T.Subreg.Contains((uint)x));
                Assert.True(a.T.SignExtend(16).Contains((ulong)(long)(short)x));
                Assert.True(a.T.ByteSwap(32).Contains(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)x)));
                Assert.True(a.T.Neg().Contains(0 - x));
            }
        }, iter: 3_000);
    }

    [Fact]
    public void Join_meet_widen_and_leq_are_a_lattice()
    {
        Gen.Select(SmallTnum, SmallTnum).Sample((a, b) =>
        {
            var j = a.T.Join(b.T);
            var w = a.T.Widen(b.T);
            Assert.True(a.T.Leq(j) && b.T.Leq(j));
            Assert.True(a.T.Leq(w) && b.T.Leq(w) && j.Leq(w));
            foreach (var x in a.Members.Concat(b.Members))
                Assert.True(j.Contains(x));
            var m = a.T.Meet(b.T);
            var common = a.Members.Intersect(b.Members).ToList();
            if (common.Count > 0)
                Assert.True(m is { } mm && common.All(mm.Contains), $"meet of {a.T} and {b.T}");
            if (m is { } mt)
                Assert.True(mt.Leq(a.T) && mt.Leq(b.T));
            else
                Assert.Empty(common);
        }, iter: 5_000);
    }

    [Fact]
    public void Range_is_the_smallest_tnum_holding_the_range()
    {
        Assert.Equal(new Tnum(0, 0xff), Tnum.Range(0, 255));
        Assert.Equal(Tnum.Const(7), Tnum.Range(7, 7));
        Assert.Equal(new Tnum(0x10, 0xf), Tnum.Range(16, 31));
        Assert.True(Tnum.Range(0, ulong.MaxValue).IsUnknown);
        Gen.Select(Gen.ULong, Gen.ULong).Sample((x, y) =>
        {
            ulong lo = Math.Min(x, y), hi = Math.Max(x, y);
            var t = Tnum.Range(lo, hi);
            Assert.True(t.Contains(lo) && t.Contains(hi) && t.Contains(lo + (hi - lo) / 2));
        });
    }

    [Fact]
    public void Next_and_previous_members_are_the_nearest_ones()
    {
        Gen.Select(SmallTnum, ScalarDomainTests.Value).Sample((a, x) =>
        {
            var sorted = a.Members.Order().ToArray();
            ulong? next = sorted.Where(m => m >= x).Select(m => (ulong?)m).FirstOrDefault();
            ulong? prev = sorted.Where(m => m <= x).Select(m => (ulong?)m).LastOrDefault();
            Assert.Equal(next, a.T.NextAtLeast(x));
            Assert.Equal(prev, a.T.PreviousAtMost(x));
        }, iter: 10_000);
    }

    [Fact]
    public void Widening_makes_every_bit_above_a_new_unknown_one_unknown()
    {
        // A pointer stepping by 8: its low three bits stay known zero.
        var a = new Tnum(0, 0x38);
        var w = a.Widen(new Tnum(0, 0x78));
        Assert.Equal(0UL, w.Value & 7);
        Assert.Equal(~7UL, w.Mask);
    }

    [Fact]
    public void Formatting_is_the_kernels()
    {
        Assert.Equal("(0x10; 0xc)", new Tnum(0x10, 0xc).ToString());
    }
}
