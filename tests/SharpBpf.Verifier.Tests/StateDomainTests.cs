using SharpBpf.Verifier.Domains;
using Xunit;

namespace SharpBpf.Verifier.Tests;

/// <summary>The register-type, stack and whole-state domains: transfer, join, widen, leq.</summary>
public sealed class StateDomainTests
{
    private static RegisterValue MapValue(int off = 0, bool maybeNull = false, int id = 0) =>
        RegisterValue.Pointer(RegisterType.MapValue, off: off, map: 0, flags: maybeNull ? RegisterFlags.MaybeNull : RegisterFlags.None, id: id);

    [Fact]
    public void Register_join_keeps_the_type_and_folds_offsets_into_the_variable_part()
    {
        var a = MapValue(off: 4);
        var b = MapValue(off: 12);
        var j = a.Join(b, 0, 0);
        Assert.Equal(RegisterType.MapValue, j.Type);
        Assert.Equal(4, j.Off);
        Assert.True(j.Value.MayBe(0) && j.Value.MayBe(8) && !j.Value.MayBe(9));
        Assert.True(a.Leq(j, new IdMap()) && b.Leq(j, new IdMap())); // the same addresses, the offset split differently
        // Different kinds meet at "not usable".
        Assert.Equal(RegisterType.NotInit, a.Join(RegisterValue.Const(1), 0, 0).Type);
        Assert.Equal(RegisterType.NotInit, a.Join(MapValue(maybeNull: true, id: 1), 0, 0).Type);
    }

    [Fact]
    public void Register_leq_follows_regsafe()
    {
        var ids = new IdMap();
        Assert.True(RegisterValue.Const(5).Leq(RegisterValue.OfScalar(Scalar.FromUnsigned(0, 10)), ids));
        ids.Reset();
        Assert.False(RegisterValue.OfScalar(Scalar.FromUnsigned(0, 11)).Leq(RegisterValue.OfScalar(Scalar.FromUnsigned(0, 10)), ids));
        ids.Reset();
        Assert.True(MapValue().Leq(RegisterValue.NotInit, ids)); // the old state never used it
        ids.Reset();
        Assert.False(RegisterValue.NotInit.Leq(MapValue(), ids));
        // Packet pointers: more readable bytes is safer.
        var p14 = RegisterValue.Pointer(RegisterType.Packet, range: 14);
        var p20 = RegisterValue.Pointer(RegisterType.Packet, range: 20);
        ids.Reset();
        Assert.True(p20.Leq(p14, ids));
        ids.Reset();
        Assert.False(p14.Leq(p20, ids));
    }

    [Fact]
    public void Id_map_requires_links_to_be_kept()
    {
        var ids = new IdMap();
        Assert.True(ids.Check(1, 7));
        Assert.True(ids.Check(1, 7));
        Assert.False(ids.Check(1, 8));  // old 1 is already cur 7
        Assert.False(ids.Check(2, 7));  // cur 7 is already old 1
        ids.Reset();
        // Scalars: unlinked in the old state is fine; linked in the old state needs linked in the new.
        Assert.True(ids.CheckScalar(0, 5));
        Assert.True(ids.CheckScalar(3, 9));
        Assert.False(ids.CheckScalar(3, 0));
    }

    [Fact]
    public void Stack_spills_and_fills_registers()
    {
        var s = new StackState();
        var p = MapValue(off: 8);
        s.Write(-8, 8, p);
        Assert.Equal(p, s.Read(-8, 8, out bool partial));
        Assert.False(partial);
        s.Read(-8, 4, out partial);
        Assert.True(partial); // half a pointer
        s.Write(-16, 4, RegisterValue.OfScalar(Scalar.FromUnsigned(0, 100)));
        Assert.Equal(Scalar.FromUnsigned(0, 100), s.Read(-16, 4, out _).Value);
        s.Write(-24, 8, RegisterValue.Const(0));
        Assert.Equal(StackByte.Zero, s.ByteAt(-20));
        Assert.True(s.Read(-24, 2, out _).Value.IsConst);
        s.Write(-32, 8, RegisterValue.Const(0x1122334455667788));
        Assert.Equal(0x5566UL, s.Read(-30, 2, out _).Value.ConstValue); // bytes of a known spill
        Assert.False(s.IsInitialised(-40, 8, out int bad));
        Assert.Equal(-40, bad);
        Assert.Equal(32, s.MaxDepth);
    }

    [Fact]
    public void Stack_variable_writes_never_initialise_what_was_not()
    {
        var s = new StackState();
        s.Write(-16, 8, RegisterValue.Const(1));
        s.WriteVariable(-24, -16, 8, zero: false, initialiseInvalid: false);
        Assert.True(s.IsInitialised(-16, 8, out _));
        Assert.False(s.IsInitialised(-24, 8, out _));
        Assert.Null(s.SpillAt(-16)); // the spill may have been overwritten
    }

    [Fact]
    public void Stack_join_and_leq()
    {
        var a = new StackState();
        a.Write(-8, 8, RegisterValue.Const(1));
        a.Write(-16, 8, MapValue());
        var b = new StackState();
        b.Write(-8, 8, RegisterValue.Const(5));
        b.Write(-16, 8, RegisterValue.Const(7));
        var j = a.Join(b, (x, y) => x.Join(y, 0, 0));
        Assert.Equal(Scalar.FromUnsigned(1, 5), j.Read(-8, 8, out _).Value.Join(Scalar.FromUnsigned(1, 5)));
        Assert.True(j.Read(-8, 8, out _).Value.MayBe(1) && j.Read(-8, 8, out _).Value.MayBe(5));
        Assert.Equal(StackByte.Invalid, j.ByteAt(-16)); // a pointer on one side, a number on the other
        Assert.True(a.Leq(j, new IdMap()) && b.Leq(j, new IdMap()));
        Assert.False(new StackState().Leq(a, new IdMap()));
        // Zero bytes against a spilled scalar: the join keeps a spilled value.
        var z = new StackState();
        z.Write(-8, 8, RegisterValue.Const(0));
        var k = z.Join(a, (x, y) => x.Join(y, 0, 0));
        Assert.True(k.SpillAt(-8) is { } sp && sp.Value.Value.MayBe(0) && sp.Value.Value.MayBe(1));
    }

    [Fact]
    public void State_join_keeps_consistent_links_and_drops_the_rest()
    {
        int next = 100;
        var a = AbstractState.Entry();
        a.Regs[1] = RegisterValue.OfScalar(Scalar.FromUnsigned(0, 5)) with { Id = 1 };
        a.Regs[2] = RegisterValue.OfScalar(Scalar.FromUnsigned(0, 5)) with { Id = 1 };
        var b = AbstractState.Entry();
        b.Regs[1] = RegisterValue.OfScalar(Scalar.FromUnsigned(3, 9)) with { Id = 4 };
        b.Regs[2] = RegisterValue.OfScalar(Scalar.FromUnsigned(3, 9)) with { Id = 4 };
        Assert.True(a.SameShape(b));
        var j = a.Join(b, () => next++);
        Assert.Equal(j.Regs[1].Id, j.Regs[2].Id);
        Assert.NotEqual(0, j.Regs[1].Id);
        Assert.Equal(Scalar.FromUnsigned(0, 9), j.Regs[1].Value);
        Assert.True(a.Leq(j, new IdMap()) && b.Leq(j, new IdMap()));
        b.Regs[2] = b.Regs[2] with { Id = 0 };
        var k = a.Join(b, () => next++);
        Assert.Equal(0, k.Regs[2].Id);
        Assert.False(a.Clone().Leq(b, new IdMap()) && b.Leq(a, new IdMap()));
    }

    [Fact]
    public void States_of_different_shapes_do_not_merge()
    {
        var a = AbstractState.Entry();
        a.Regs[3] = MapValue();
        var b = AbstractState.Entry();
        b.Regs[3] = RegisterValue.Const(0);
        Assert.False(a.SameShape(b));
        Assert.NotEqual(a.Shape(), b.Shape());
    }

    [Fact]
    public void State_widening_reaches_thresholds()
    {
        var t = new WideningThresholds([100]);
        var a = AbstractState.Entry();
        a.Regs[1] = RegisterValue.Const(0);
        var b = AbstractState.Entry();
        b.Regs[1] = RegisterValue.Const(1);
        var w = a.Join(b, () => 1, t);
        Assert.Equal(99UL, w.Regs[1].Value.UMax);
    }
}
