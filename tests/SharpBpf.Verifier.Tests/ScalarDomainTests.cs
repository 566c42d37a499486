using CsCheck;
using SharpBpf.Core;
using SharpBpf.Verifier.Domains;
using Xunit;

namespace SharpBpf.Verifier.Tests;

/// <summary>
/// The scalar domain (tnum + signed/unsigned 32/64-bit ranges): soundness of every operation
/// against concrete arithmetic on sampled sets, the lattice laws, and the kernel's refinements.
/// </summary>
public sealed class ScalarDomainTests
{
    /// <summary>Values that exercise the edges: small, negative, around 2^31, 2^32, 2^63, and anything.</summary>
    internal static readonly Gen<ulong> Value = Gen.Frequency<ulong>(
        (4, Gen.Long[-300, 300].Select(v => (ulong)v)),
        (2, Gen.Int[0, 63].Select(Gen.Int[-2, 2], (k, d) => (1UL << k) + (ulong)(long)d)),
        (2, Gen.OneOf<ulong>(0, 1, uint.MaxValue, 0x7fff_ffff, 0x8000_0000, 0x1_0000_0000, long.MaxValue, 0x8000_0000_0000_0000, ulong.MaxValue)),
        (2, Gen.ULong),
        (1, Gen.UInt.Select(v => 0xffff_ffff_0000_0000UL | v)));

    internal static readonly Gen<ulong[]> Set = Value.Array[1, 5];

    private static readonly byte[] AluOps =
        [Opcodes.Add, Opcodes.Sub, Opcodes.Mul, Opcodes.Div, Opcodes.Mod, Opcodes.Or, Opcodes.And, Opcodes.Xor];

    [Fact]
    public void Arithmetic_contains_every_concrete_result()
    {
        Gen.Select(Set, Set, Gen.OneOf<byte>(AluOps), Gen.Bool, Gen.Bool).Sample((xs, ys, op, alu32, signed) =>
        {
            bool sdiv = signed && op is Opcodes.Div or Opcodes.Mod;
            var r = ConcreteSemantics.Abstract(xs).Alu(op, ConcreteSemantics.Abstract(ys), alu32, sdiv);
            foreach (var x in xs)
            {
                foreach (var y in ys)
                {
                    ulong c = ConcreteSemantics.Alu(op, x, y, alu32, sdiv);
                    Assert.True(r.MayBe(c), $"{op:x2}{(alu32 ? " 32" : "")}: {x:x} op {y:x} = {c:x} not in {r}");
                }
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Shifts_by_constants_contain_every_concrete_result()
    {
        Gen.Select(Set, Gen.Int[0, 63], Gen.OneOf<byte>(Opcodes.Lsh, Opcodes.Rsh, Opcodes.Arsh), Gen.Bool).Sample((xs, n, op, alu32) =>
        {
            if (alu32) n &= 31;
            var r = ConcreteSemantics.Abstract(xs).Alu(op, Scalar.Const((ulong)n), alu32);
            foreach (var x in xs)
            {
                ulong c = ConcreteSemantics.Alu(op, x, (ulong)n, alu32, false);
                Assert.True(r.MayBe(c), $"{op:x2} {x:x} by {n} = {c:x} not in {r}");
            }
        }, iter: 10_000);
    }

    [Fact]
    public void Unary_operations_contain_every_concrete_result()
    {
        Gen.Select(Set, Gen.Bool, Gen.OneOf(8, 16, 32)).Sample((xs, alu32, bits) =>
        {
            var a = ConcreteSemantics.Abstract(xs);
            var neg = a.Neg(alu32);
            var zext = a.Zext32();
            var sx = a.SignExtend(bits, alu32);
            var swap = a.ByteSwap(bits == 8 ? 64 : bits, swap: true);
            var trunc = a.Truncate(bits / 8);
            foreach (var x in xs)
            {
                Assert.True(neg.MayBe(alu32 ? (uint)(0 - (uint)x) : 0 - x), $"neg {x:x} not in {neg}");
                Assert.True(zext.MayBe((uint)x), $"zext {x:x} not in {zext}");
                int sh = 64 - bits;
                ulong s = (ulong)((long)(x << sh) >> sh);
                Assert.True(sx.MayBe(alu32 ? (uint)s : s), $"sx{bits} {x:x} not in {sx}");
                ulong sw = bits switch
                {
                    16 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)x),
                    32 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)x),
                    _ => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(x),
                };
                Assert.True(swap.MayBe(sw), $"bswap{bits} {x:x} not in {swap}");
                Assert.True(trunc.MayBe(x & ((1UL << bits) - 1)), $"trunc{bits} {x:x} not in {trunc}");
            }
        }, iter: 10_000);
    }

    [Fact]
    public void Branch_decisions_are_never_wrong()
    {
        Gen.Select(Set, Set, Gen.Enum<Comparison>(), Gen.Bool).Sample((xs, ys, cmp, is32) =>
        {
            var a = ConcreteSemantics.Abstract(xs);
            var b = ConcreteSemantics.Abstract(ys);
            int d = Scalar.Decide(a, b, cmp, is32);
            foreach (var x in xs)
            {
                foreach (var y in ys)
                {
                    bool holds = ConcreteSemantics.Holds(cmp, x, y, is32);
                    Assert.False(d == 1 && !holds, $"{cmp} decided true but {x:x} vs {y:x} is false");
                    Assert.False(d == 0 && holds, $"{cmp} decided false but {x:x} vs {y:x} is true");
                }
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Branch_refinement_keeps_every_value_the_branch_allows()
    {
        Gen.Select(Set, Set, Gen.Enum<Comparison>(), Gen.Bool).Sample((xs, ys, cmp, is32) =>
        {
            var a = ConcreteSemantics.Abstract(xs);
            var b = ConcreteSemantics.Abstract(ys);
            var ra = a;
            var rb = b;
            bool feasible = Scalar.Refine(ref ra, ref rb, cmp, is32);
            foreach (var x in xs)
            {
                foreach (var y in ys)
                {
                    if (!ConcreteSemantics.Holds(cmp, x, y, is32))
                        continue;
                    Assert.True(feasible, $"{cmp}{(is32 ? "32" : "")} found infeasible, but {x:x} vs {y:x} holds ({a} vs {b})");
                    Assert.True(ra.MayBe(x), $"{cmp}{(is32 ? "32" : "")}: {x:x} lost from {a} -> {ra} (other {b})");
                    Assert.True(rb.MayBe(y), $"{cmp}{(is32 ? "32" : "")}: {y:x} lost from {b} -> {rb} (other {a})");
                }
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Join_widen_and_meet_obey_the_lattice()
    {
        Gen.Select(Set, Set).Sample((xs, ys) =>
        {
            var a = ConcreteSemantics.Abstract(xs);
            var b = ConcreteSemantics.Abstract(ys);
            var j = a.Join(b);
            var w = a.Widen(b);
            Assert.True(a.Leq(j) && b.Leq(j), $"join {j} of {a} and {b}");
            Assert.True(a.Leq(w) && b.Leq(w), $"widen {w} of {a} and {b}");
            Assert.True(a.Leq(a) && j.Join(a) == j, "join idempotent");
            foreach (var v in xs.Concat(ys))
                Assert.True(j.MayBe(v) && w.MayBe(v));
            var m = a.Meet(b);
            foreach (var v in xs.Intersect(ys))
                Assert.True(m is { } mm && mm.MayBe(v), $"meet of {a} and {b} lost {v:x}");
            if (m is { } mt)
                Assert.True(mt.Leq(a) && mt.Leq(b), $"meet {mt} is not below {a} and {b}");
        }, iter: 10_000);
    }

    [Fact]
    public void Widening_reaches_a_fixpoint_quickly()
    {
        // A counter growing by one: without thresholds the bound jumps to the type's end at once.
        var a = Scalar.Const(0UL);
        int rounds = 0;
        while (true)
        {
            var next = a.Alu(Opcodes.Add, Scalar.Const(1UL), false).Join(a);
            var w = a.Widen(next);
            if (w == a)
                break;
            a = w;
            Assert.True(++rounds < 8, $"widening did not stabilise: {a}");
        }
        Assert.Equal(ulong.MaxValue, a.UMax);
    }

    [Fact]
    public void Widening_stops_at_a_threshold()
    {
        var t = new WideningThresholds([1500]);
        var a = Scalar.FromUnsigned(0, 63);
        var w = a.Widen(Scalar.FromUnsigned(0, 64), t);
        Assert.Equal(1499UL, w.UMax); // the nearest threshold above 64: 1500 - 1
        Assert.Equal(0UL, w.UMin);
        // i != 1500 on the fall-through cuts the edge value: [1, 1500] -> [1, 1499]
        var i = Scalar.FromUnsigned(1, 1500);
        var c = Scalar.Const(1500UL);
        Assert.True(Scalar.Refine(ref i, ref c, Comparison.Ne, false));
        Assert.Equal(1499UL, i.UMax);
    }

    [Theory]
    [InlineData(Comparison.Lt, 0UL, 99UL)]
    [InlineData(Comparison.Le, 0UL, 100UL)]
    [InlineData(Comparison.Gt, 101UL, ulong.MaxValue)]
    [InlineData(Comparison.Eq, 100UL, 100UL)]
    public void Refinement_against_a_constant_matches_the_kernel(Comparison cmp, ulong min, ulong max)
    {
        var x = Scalar.Unknown;
        var k = Scalar.Const(100UL);
        Assert.True(Scalar.Refine(ref x, ref k, cmp, false));
        Assert.Equal(min, x.UMin);
        Assert.Equal(max, x.UMax);
    }

    [Fact]
    public void Signed_refinement_gives_the_unsigned_range_when_the_sign_is_known()
    {
        // if (x s> 5 && x s< 10): both signed and unsigned views become [6, 9] (__reg_deduce_bounds).
        var x = Scalar.Unknown;
        var five = Scalar.Const(5UL);
        var ten = Scalar.Const(10UL);
        Assert.True(Scalar.Refine(ref x, ref five, Comparison.Sgt, false));
        Assert.True(Scalar.Refine(ref x, ref ten, Comparison.Slt, false));
        Assert.Equal((6L, 9L, 6UL, 9UL), (x.SMin, x.SMax, x.UMin, x.UMax));
        Assert.Equal((6U, 9U), (x.U32Min, x.U32Max));
    }

    [Fact]
    public void Thirty_two_bit_operations_zero_extend()
    {
        // w0 = -1 is 0xffffffff; w0 += 1 wraps to 0 in 32 bits, with the upper half known zero.
        var x = Scalar.Const(0xffff_ffffUL);
        var r = x.Alu(Opcodes.Add, Scalar.Const(1UL), alu32: true);
        Assert.True(r.IsConst);
        Assert.Equal(0UL, r.ConstValue);
        var u = Scalar.Unknown.Alu(Opcodes.Add, Scalar.Const(1UL), alu32: true);
        Assert.Equal(uint.MaxValue, u.UMax);
    }

    [Fact]
    public void A_range_and_a_tnum_that_share_one_value_give_that_constant()
    {
        // [23, 24] among multiples of 4 is {24} (the kernel's tnum_step refinement): what pkt_parse needs.
        var ihl = Scalar.Unknown.Alu(Opcodes.And, Scalar.Const(0x3cUL), false);
        var lo = Scalar.Const(23UL);
        var hi = Scalar.Const(24UL);
        Assert.True(Scalar.Refine(ref ihl, ref lo, Comparison.Ge, false));
        Assert.True(Scalar.Refine(ref ihl, ref hi, Comparison.Le, false));
        Assert.True(ihl.IsConst, ihl.ToString());
        Assert.Equal(24UL, ihl.ConstValue);
        var odd = Scalar.Unknown.Alu(Opcodes.And, Scalar.Const(0x3cUL), false);
        var k = Scalar.Const(21UL);
        Assert.False(Scalar.Refine(ref odd, ref k, Comparison.Eq, false)); // 21 is not a multiple of 4
    }

    [Fact]
    public void Division_by_a_possibly_zero_register_follows_the_rfc()
    {
        var x = Scalar.FromUnsigned(10, 20);
        var d = Scalar.FromUnsigned(0, 5);
        var q = x.Alu(Opcodes.Div, d, false);
        Assert.True(q.MayBe(0) && q.MayBe(20) && !q.MayBe(21));
        var m = x.Alu(Opcodes.Mod, d, false);
        Assert.True(m.MayBe(20)); // x % 0 = x
    }

    [Fact]
    public void Formatting_is_short()
    {
        Assert.Equal("42", Scalar.Const(42UL).ToString());
        Assert.Equal("-1", Scalar.Const(ulong.MaxValue).ToString());
        Assert.Equal("[0, 255]", Scalar.OfSize(1).ToString());
        Assert.Equal("unknown", Scalar.Unknown.ToString());
        Assert.Equal("s[-128, 127]", Scalar.OfSignedSize(1).ToString());
    }
}
