using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.CoRe;
using SharpBpf.ObjectFile.Printing;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.ObjectFile.Text;
using Xunit;

namespace SharpBpf.ObjectFile.Tests;

/// <summary>
/// CO-RE resolution: libbpf's rules on small hand-built BTF, the fixtures resolved against each
/// other (golden report text and JSON), and the fixtures against the running kernel compared
/// with what libbpf 1.1 computed and patched when it loaded them here (X.core.expected.txt).
/// </summary>
public sealed class CoreResolverTests
{
    private const string Vmlinux = "/sys/kernel/btf/vmlinux";

    // ---- names and candidates ----

    [Theory]
    [InlineData("task_struct___local", "task_struct")]
    [InlineData("task_struct___pre514", "task_struct")]
    [InlineData("a___b___c", "a___b")]
    [InlineData("a___b", "a")]
    [InlineData("task_struct", "task_struct")]
    [InlineData("foo____bar", "foo____bar")] // four underscores: the flavor must not start with '_'
    [InlineData("x_____y", "x_____y")]
    [InlineData("___foo", "___foo")] // nothing before the separator
    [InlineData("foo___", "foo___")] // nothing after it
    [InlineData("foo__bar", "foo__bar")]
    [InlineData("", "")]
    public void Essential_name_drops_the_last_flavor(string name, string essential)
    {
        Assert.Equal(essential, CoreNames.EssentialName(name));
        Assert.Equal(essential.Length, CoreNames.EssentialLength(Encoding.UTF8.GetBytes(name)));
    }

    [Fact]
    public void Candidates_have_the_essential_name_and_a_compatible_kind()
    {
        var t = new TinyBtf();
        uint i32 = t.Int("int", 4, signed: true);
        uint foo = t.Struct("foo", 4, new M("a", i32, 0));
        uint fooV2 = t.Struct("foo___v2", 4, new M("a", i32, 0));
        t.Union("foo", 4, new M("a", i32, 0));          // another kind
        t.Struct("foobar", 4, new M("a", i32, 0));      // another name
        t.Struct("foo___", 4, new M("a", i32, 0));      // "foo___" has no flavor
        t.Typedef("foo", foo);                          // another kind
        uint e64 = t.Enum64("e", ("E_A", 1));
        uint e32 = t.Enum("e___2", ("E_A", 1));
        var target = t.Build();

        var l = new TinyBtf();
        uint li = l.Int("int", 4, signed: true);
        uint local = l.Struct("foo___local", 4, new M("a", li, 0));
        uint localEnum = l.Enum("e___mine", ("E_A", 1));
        uint anon = l.Struct("", 4, new M("a", li, 0));
        var localBtf = l.Build();

        Assert.Equal([foo, fooV2], CoreResolver.FindCandidates(localBtf, local, target).Select(id => id.Value));
        // ENUM and ENUM64 stand for each other.
        Assert.Equal([e64, e32], CoreResolver.FindCandidates(localBtf, localEnum, target).Select(id => id.Value));
        Assert.Empty(CoreResolver.FindCandidates(localBtf, anon, target));
    }

    [Fact]
    public void Split_target_is_searched_in_its_base_first()
    {
        var b = new TinyBtf();
        uint i32 = b.Int("int", 4, signed: true);
        uint inBase = b.Struct("foo", 4, new M("a", i32, 0));
        b.Struct("bar", 4, new M("a", i32, 0));
        var baseBtf = b.Build();
        // The split part: its own "foo" (ignored, base has one) and a "baz" only it has.
        var split = TinyBtf.Split(baseBtf);
        split.Struct("foo", 8, new M("a", i32, 0));
        uint baz = split.Struct("baz", 4, new M("a", i32, 0));
        var target = split.Build(baseBtf);

        var l = new TinyBtf();
        uint li = l.Int("int", 4, signed: true);
        uint foo = l.Struct("foo", 4, new M("a", li, 0));
        uint bazLocal = l.Struct("baz___x", 4, new M("a", li, 0));
        var local = l.Build();
        Assert.Equal([inBase], CoreResolver.FindCandidates(local, foo, target).Select(id => id.Value));
        Assert.Equal([baz], CoreResolver.FindCandidates(local, bazLocal, target).Select(id => id.Value));
    }

    // ---- matching and values on small BTF ----

    private static readonly Instruction Exit = new(Opcodes.ExitOpcode, 0, 0, 0, 0);

    private static Instruction MovImm(int imm) => new(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceK, 1, 0, 0, imm);

    private static Instruction Ldx(byte size, short off) => new((byte)(Opcodes.ClassLdx | Opcodes.ModeMem | size), 1, 2, off, 0);

    private static Instruction[] Lddw(ulong value) =>
        [new(Opcodes.LoadImm64, 1, 0, 0, (int)(uint)value), new(0, 0, 0, 0, (int)(uint)(value >> 32))];

    private sealed record Relo(uint Root, string Access, CoreRelocationKind Kind, Instruction[] Code);

    /// <summary>A one-program collection whose relocations are <paramref name="relos"/>, each on its own instruction(s).</summary>
    private static CoreReport Resolve(TinyBtf local, BtfSpec target, params Relo[] relos)
    {
        var code = new List<Instruction>();
        var records = new List<CoreRelocationRecord>();
        var program = new List<ProgramCoreRelocation>();
        foreach (var r in relos)
        {
            var record = new CoreRelocationRecord((uint)code.Count * 8, r.Root, local.Str(r.Access), r.Kind);
            records.Add(record);
            program.Add(new ProgramCoreRelocation(code.Count, record, r.Access));
            code.AddRange(r.Code);
        }
        code.Add(Exit);
        var ext = new BtfExt();
        ext.CoreRelocations["sec"] = records;
        var spec = new CollectionSpec
        {
            Programs = new Dictionary<string, ProgramSpec>
            {
                ["p"] = new()
                {
                    Name = "p", SectionName = "sec", Type = ProgramType.Unspec, SectionOffset = 0, Instructions = [.. code],
                    OwnLength = code.Count, SubPrograms = [], References = [], CoreRelocations = program,
                },
            },
            Maps = new Dictionary<string, MapSpec>(),
            Btf = local.Build(),
            BtfExt = ext,
        };
        return CoreResolver.Resolve(spec, target, "test");
    }

    private static CoreRelocationResult ResolveOne(TinyBtf local, BtfSpec target, uint root, string access, CoreRelocationKind kind, params Instruction[] code) =>
        Assert.Single(Resolve(local, target, new Relo(root, access, kind, code)).Relocations);

    private static (TinyBtf Local, uint Root) LocalAB(string name = "s___local")
    {
        var l = new TinyBtf();
        uint i32 = l.Int("int", 4, signed: true);
        return (l, l.Struct(name, 8, new M("a", i32, 0), new M("b", i32, 32)));
    }

    [Fact]
    public void Field_offset_follows_the_member_by_name()
    {
        var t = new TinyBtf();
        uint i32 = t.Int("int", 4, signed: true);
        uint i64 = t.Int("long", 8, signed: true);
        uint s = t.Struct("s", 16, new M("x", i64, 0), new M("b", i32, 64), new M("a", i32, 96));
        var target = t.Build();
        var (l, root) = LocalAB();

        var r = ResolveOne(l, target, root, "0:1", CoreRelocationKind.FieldByteOffset, Ldx(Opcodes.SizeW, 4));
        Assert.Equal(CoreOutcome.Relocated, r.Outcome);
        Assert.Equal(4ul, r.LocalValue);
        Assert.Equal(8ul, r.TargetValue);
        Assert.Equal(s, r.TargetTypeId.Value);
        Assert.Equal("struct s___local.b", r.LocalAccess);
        Assert.Equal("struct s.b", r.TargetAccess);
        Assert.Equal("0:1", r.TargetAccessString);
        Assert.Equal(CorePatchKind.Offset, r.Patch);
        Assert.Equal(Ldx(Opcodes.SizeW, 8), Assert.Single(r.Patched));
    }

    [Fact]
    public void Members_are_found_inside_anonymous_structs()
    {
        var t = new TinyBtf();
        uint i32 = t.Int("int", 4, signed: true);
        uint anon = t.Struct("", 8, new M("pad", i32, 0), new M("a", i32, 32));
        t.Struct("s", 12, new M("x", i32, 0), new M("", anon, 32));
        var target = t.Build();
        var (l, root) = LocalAB();

        var r = ResolveOne(l, target, root, "0:0", CoreRelocationKind.FieldByteOffset, MovImm(0));
        Assert.Equal(8ul, r.TargetValue);
        Assert.Equal("struct s.__anon.a", r.TargetAccess);
        Assert.Equal("0:1:1", r.TargetAccessString);
        Assert.Equal(MovImm(8), Assert.Single(r.Patched));
    }

    [Fact]
    public void An_incompatible_member_is_not_a_match()
    {
        var t = new TinyBtf();
        uint i32 = t.Int("int", 4, signed: true);
        uint inner = t.Struct("inner", 4, new M("v", i32, 0));
        t.Struct("s", 8, new M("a", inner, 0), new M("b", i32, 32));
        var target = t.Build();

        var (l, root) = LocalAB();
        var exists = ResolveOne(l, target, root, "0:0", CoreRelocationKind.FieldExists, MovImm(1));
        Assert.Equal(CoreOutcome.NotFound, exists.Outcome);
        Assert.Equal(0ul, exists.TargetValue);
        Assert.Contains("incompatible", exists.Reason, StringComparison.Ordinal);
        Assert.Equal(MovImm(0), Assert.Single(exists.Patched));

        (l, root) = LocalAB();
        var offset = ResolveOne(l, target, root, "0:0", CoreRelocationKind.FieldByteOffset, Ldx(Opcodes.SizeW, 0));
        Assert.Equal(CoreOutcome.Poisoned, offset.Outcome);
        Assert.Null(offset.TargetValue);
        Assert.Equal(new Instruction(Opcodes.CallOpcode, 0, 0, 0, 0xbad2310), Assert.Single(offset.Patched));
    }

    [Fact]
    public void Bitfield_loads_widen_until_they_cover_the_bits()
    {
        // A 4-bit field at bit 30 of a u32 straddles two u32s: libbpf reads it as a u64 at offset 0.
        var t = new TinyBtf();
        uint u32 = t.Int("unsigned int", 4);
        t.Struct("s", 8, new M("x", u32, 0, 30), new M("f", u32, 30, 4));
        var target = t.Build();

        (TinyBtf, uint) Local()
        {
            var l = new TinyBtf();
            uint lu = l.Int("unsigned int", 4);
            return (l, l.Struct("s___l", 4, new M("f", lu, 1, 4)));
        }
        ulong Value(CoreRelocationKind kind, Instruction insn)
        {
            var (l, root) = Local();
            var r = ResolveOne(l, target, root, "0:0", kind, insn);
            Assert.Equal(CoreOutcome.Relocated, r.Outcome);
            return r.TargetValue!.Value;
        }
        Assert.Equal(0ul, Value(CoreRelocationKind.FieldByteOffset, MovImm(0)));
        Assert.Equal(8ul, Value(CoreRelocationKind.FieldByteSize, MovImm(4)));
        Assert.Equal(30ul, Value(CoreRelocationKind.FieldLShiftU64, MovImm(59))); // 64 - (30 + 4)
        Assert.Equal(60ul, Value(CoreRelocationKind.FieldRShiftU64, MovImm(60)));
        Assert.Equal(0ul, Value(CoreRelocationKind.FieldSigned, MovImm(0)));
    }

    [Fact]
    public void A_field_that_grew_changes_the_load_size_only_when_that_keeps_the_value()
    {
        CoreRelocationResult Load(bool signedTarget)
        {
            var t = new TinyBtf();
            uint wide = t.Int(signedTarget ? "long" : "unsigned long", 8, signed: signedTarget);
            t.Struct("s", 16, new M("x", wide, 0), new M("a", wide, 64));
            var target = t.Build();
            var l = new TinyBtf();
            uint u32 = l.Int("unsigned int", 4);
            uint root = l.Struct("s___l", 8, new M("x", u32, 0), new M("a", u32, 32));
            return ResolveOne(l, target, root, "0:1", CoreRelocationKind.FieldByteOffset, Ldx(Opcodes.SizeW, 4));
        }
        var unsigned = Load(signedTarget: false);
        Assert.Equal(CoreOutcome.Relocated, unsigned.Outcome);
        Assert.Equal(8, unsigned.AccessSize);
        Assert.Equal(Ldx(Opcodes.SizeDW, 8), Assert.Single(unsigned.Patched));

        var signed = Load(signedTarget: true);
        Assert.Equal(CoreOutcome.Poisoned, signed.Outcome);
        Assert.Contains("unsigned integers", signed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Candidates_that_disagree_make_the_relocation_ambiguous()
    {
        var t = new TinyBtf();
        uint i32 = t.Int("int", 4, signed: true);
        t.Struct("s", 4, new M("a", i32, 0));
        t.Struct("s___2", 8, new M("x", i32, 0), new M("a", i32, 32));
        var target = t.Build();

        var (l, root) = LocalAB();
        var r = ResolveOne(l, target, root, "0:0", CoreRelocationKind.FieldByteOffset, MovImm(0));
        Assert.Equal(CoreOutcome.Ambiguous, r.Outcome);
        Assert.Contains("field offset ambiguity", r.Reason, StringComparison.Ordinal);
        Assert.Empty(r.Patched);
        Assert.True(r.IsError);
        var sw = new StringWriter { NewLine = "\n" };
        CoreReportPrinter.Text(new CoreReport { ObjectPath = "x.o", Target = "test", Relocations = [r] }, sw);
        var lines = sw.ToString().Split('\n');
        Assert.Equal("x.o: 1 CO-RE relocation against test: 0 relocated, 0 not found, 0 poisoned, 1 ambiguous", lines[0]);
        Assert.Matches(@"^p +0 +0 +byte_off +struct s___local\.a +0 +ambiguous +field offset ambiguity: struct s\.a \[\d+\] is at bit 0, struct s___2\.a \[\d+\] at bit 32$", lines[3]);
        Assert.Equal("libbpf would refuse to load x.o: 1 relocation is ambiguous or failed", lines[5]);

        // Two compatible types have two ids: the target id is ambiguous too (libbpf).
        (l, root) = LocalAB();
        var id = ResolveOne(l, target, root, "0", CoreRelocationKind.TypeIdTarget, Lddw(root));
        Assert.Equal(CoreOutcome.Ambiguous, id.Outcome);
        Assert.Contains("relocation decision ambiguity", id.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Candidates_that_agree_are_fine_and_later_relocations_see_only_those_that_matched()
    {
        var t = new TinyBtf();
        uint i32 = t.Int("int", 4, signed: true);
        t.Struct("s", 4, new M("a", i32, 0));
        uint s2 = t.Struct("s___2", 8, new M("a", i32, 0), new M("b", i32, 32));
        var target = t.Build();

        // Field a matches both (same offset); the list of candidates keeps both, so b is found in s___2.
        var (l, root) = LocalAB();
        var both = Resolve(l, target,
            new Relo(root, "0:0", CoreRelocationKind.FieldByteOffset, [MovImm(0)]),
            new Relo(root, "0:1", CoreRelocationKind.FieldExists, [MovImm(1)]));
        Assert.Equal(CoreOutcome.Relocated, both.Relocations[0].Outcome);
        Assert.Equal(2, both.Relocations[0].Candidates);
        Assert.Equal(1ul, both.Relocations[1].TargetValue);
        Assert.Equal(s2, both.Relocations[1].TargetTypeId.Value);

        // A relocation that only s matches narrows the list to s (libbpf's candidate cache), so a
        // later existence check of b, which only s___2 has, says 0.
        var t2 = new TinyBtf();
        uint j32 = t2.Int("int", 4, signed: true);
        uint onlyA = t2.Struct("s", 4, new M("a", j32, 0));
        t2.Struct("s___2", 4, new M("b", j32, 0));
        var narrowing = t2.Build();
        (l, root) = LocalAB();
        var pruned = Resolve(l, narrowing,
            new Relo(root, "0:0", CoreRelocationKind.FieldByteOffset, [MovImm(0)]),
            new Relo(root, "0:1", CoreRelocationKind.FieldExists, [MovImm(1)]));
        Assert.Equal(onlyA, pruned.Relocations[0].TargetTypeId.Value);
        Assert.Equal(CoreOutcome.NotFound, pruned.Relocations[1].Outcome);
        Assert.Equal(1, pruned.Relocations[1].Candidates);
        // Alone, the existence check finds b in s___2.
        (l, root) = LocalAB();
        Assert.Equal(1ul, ResolveOne(l, narrowing, root, "0:1", CoreRelocationKind.FieldExists, MovImm(1)).TargetValue);
    }

    [Fact]
    public void Enumerators_match_by_essential_name_across_enum_and_enum64()
    {
        var t = new TinyBtf();
        t.Enum64("pid_type", ("PIDTYPE_PID", 0), ("PIDTYPE_MAX", 0x1_0000_0004));
        t.Enum("flags", ("F_ALL", -1));
        var target = t.Build();

        var l = new TinyBtf();
        uint e = l.Enum("pid_type___local", ("PIDTYPE_MAX___local", 1), ("PIDTYPE_NONE___local", 2));
        var value = ResolveOne(l, target, e, "0", CoreRelocationKind.EnumValueValue, Lddw(1));
        Assert.Equal(0x1_0000_0004ul, value.TargetValue);
        Assert.Equal("enum pid_type::PIDTYPE_MAX", value.TargetAccess);
        Assert.Equal([.. Lddw(0x1_0000_0004)], value.Patched);

        l = new TinyBtf();
        e = l.Enum("pid_type___local", ("PIDTYPE_MAX___local", 1), ("PIDTYPE_NONE___local", 2));
        var missing = ResolveOne(l, target, e, "1", CoreRelocationKind.EnumValueValue, Lddw(2));
        Assert.Equal(CoreOutcome.Poisoned, missing.Outcome);
        // Both slots of lddw are poisoned.
        Assert.Equal(2, missing.Patched.Count);
        Assert.All(missing.Patched, p => Assert.Equal(0xbad2310, p.Immediate));

        // btf_enum.val is signed: libbpf sign-extends a 32-bit value, whatever the enum's signedness.
        l = new TinyBtf();
        e = l.Enum("flags", ("F_ALL", 7));
        Assert.Equal(ulong.MaxValue, ResolveOne(l, target, e, "0", CoreRelocationKind.EnumValueValue, Lddw(7)).TargetValue);
    }

    [Fact]
    public void Type_relocations_compare_kinds_and_type_matches_compares_members()
    {
        var t = new TinyBtf();
        uint i32 = t.Int("int", 4, signed: true);
        uint s = t.Struct("s", 8, new M("a", i32, 0), new M("b", i32, 32));
        t.Union("u", 4, new M("a", i32, 0));
        var target = t.Build();

        var (l, root) = LocalAB();
        var size = ResolveOne(l, target, root, "0", CoreRelocationKind.TypeSize, MovImm(8));
        Assert.Equal(8ul, size.TargetValue);
        Assert.Equal(s, size.TargetTypeId.Value);

        (l, root) = LocalAB();
        Assert.Equal(1ul, ResolveOne(l, target, root, "0", CoreRelocationKind.TypeMatches, MovImm(1)).TargetValue);

        // A member the target lacks: the types exist alike but do not match.
        var l2 = new TinyBtf();
        uint li = l2.Int("int", 4, signed: true);
        uint extra = l2.Struct("s___x", 12, new M("a", li, 0), new M("b", li, 32), new M("c", li, 64));
        var r = ResolveOne(l2, target, extra, "0", CoreRelocationKind.TypeMatches, MovImm(1));
        Assert.Equal(CoreOutcome.NotFound, r.Outcome);
        Assert.Equal(0ul, r.TargetValue);

        // A local struct u finds no candidate: the target's u is a union.
        var l3 = new TinyBtf();
        uint l3i = l3.Int("int", 4, signed: true);
        uint u = l3.Struct("u", 4, new M("a", l3i, 0));
        var missing = ResolveOne(l3, target, u, "0", CoreRelocationKind.TypeExists, MovImm(1));
        Assert.Equal(0ul, missing.TargetValue);
        Assert.Equal("the target has no struct named u", missing.Reason);
        // Type size and target id give 0 too when nothing matches (libbpf), rather than poisoning.
        l3 = new TinyBtf();
        l3i = l3.Int("int", 4, signed: true);
        u = l3.Struct("u", 4, new M("a", l3i, 0));
        Assert.Equal(CoreOutcome.NotFound, ResolveOne(l3, target, u, "0", CoreRelocationKind.TypeSize, MovImm(4)).Outcome);
    }

    [Fact]
    public void Array_elements_and_flexible_arrays()
    {
        var t = new TinyBtf();
        uint ch = t.Int("char", 1, signed: true);
        uint i32 = t.Int("int", 4, signed: true);
        uint comm = t.Array(ch, 16);
        uint flex = t.Array(i32, 0);
        t.Struct("s", 24, new M("n", i32, 0), new M("comm", comm, 32), new M("data", flex, 160));
        var target = t.Build();

        (TinyBtf, uint) Local()
        {
            var l = new TinyBtf();
            uint lc = l.Int("char", 1, signed: true);
            uint li = l.Int("int", 4, signed: true);
            return (l, l.Struct("s___l", 20, new M("comm", l.Array(lc, 16), 0), new M("data", l.Array(li, 0), 128)));
        }
        var (l, root) = Local();
        var third = ResolveOne(l, target, root, "0:0:3", CoreRelocationKind.FieldByteOffset, MovImm(3));
        Assert.Equal(7ul, third.TargetValue);
        Assert.Equal("struct s.comm[3]", third.TargetAccess);

        (l, root) = Local();
        Assert.Equal(20ul + 5 * 4, ResolveOne(l, target, root, "0:1:5", CoreRelocationKind.FieldByteOffset, MovImm(36)).TargetValue);

        // Element size, and kinds that make no sense on an element fail as in libbpf.
        (l, root) = Local();
        Assert.Equal(1ul, ResolveOne(l, target, root, "0:0:3", CoreRelocationKind.FieldByteSize, MovImm(1)).TargetValue);
        (l, root) = Local();
        Assert.Equal(CoreOutcome.Failed, ResolveOne(l, target, root, "0:0:3", CoreRelocationKind.FieldSigned, MovImm(1)).Outcome);
    }

    [Fact]
    public void Bad_access_strings_and_unexpected_instructions_fail()
    {
        var t = new TinyBtf();
        uint i32 = t.Int("int", 4, signed: true);
        t.Struct("s", 8, new M("a", i32, 0), new M("b", i32, 32));
        var target = t.Build();

        var (l, root) = LocalAB();
        var badIndex = ResolveOne(l, target, root, "0:7", CoreRelocationKind.FieldByteOffset, MovImm(0));
        Assert.Equal(CoreOutcome.Failed, badIndex.Outcome);
        Assert.Contains("member 7", badIndex.Reason, StringComparison.Ordinal);

        (l, root) = LocalAB();
        Assert.Equal(CoreOutcome.Failed, ResolveOne(l, target, root, "0:x", CoreRelocationKind.FieldByteOffset, MovImm(0)).Outcome);

        // The compiled value must be the local one (libbpf validates non-bitfield offsets).
        (l, root) = LocalAB();
        var mismatch = ResolveOne(l, target, root, "0:1", CoreRelocationKind.FieldByteOffset, MovImm(5));
        Assert.Equal(CoreOutcome.Failed, mismatch.Outcome);
        Assert.Contains("holds 5", mismatch.Reason, StringComparison.Ordinal);

        // A jump can't carry a relocation.
        (l, root) = LocalAB();
        var jump = ResolveOne(l, target, root, "0:1", CoreRelocationKind.FieldByteOffset, new Instruction(Opcodes.ClassJmp | Opcodes.Ja, 0, 0, 0, 0));
        Assert.Equal(CoreOutcome.Failed, jump.Outcome);
        Assert.Throws<InvalidOperationException>(() => CoreResolver.Apply(
            new ProgramSpec
            {
                Name = "p", SectionName = "sec", Type = ProgramType.Unspec, SectionOffset = 0, Instructions = [Exit], OwnLength = 1,
                SubPrograms = [], References = [],
            },
            new CoreReport { Relocations = [jump] }));
    }

    // ---- the fixtures ----

    private static CollectionSpec LoadObject(string name) => CollectionLoader.Load(Fixtures.Path(name + ".o"));

    /// <summary>core_local.o against core_task.o's BTF (vmlinux.h types of the kernel it was built on): deterministic everywhere.</summary>
    private static CoreReport LocalAgainstTask() =>
        CoreResolver.Resolve(LoadObject("core_local"), BtfFileLoader.Load(Fixtures.Path("core_task.o")), "core_task.o");

    [Fact]
    public void Report_text_matches_its_golden_file()
    {
        var sw = new StringWriter { NewLine = "\n" };
        CoreReportPrinter.Text(LocalAgainstTask(), sw);
        Fixtures.AssertGolden("core_local.core.txt", sw.ToString());
    }

    [Fact]
    public void Report_json_matches_its_golden_file()
    {
        var ms = new MemoryStream();
        using (var o = new Utf8Output(ms))
            CoreReportPrinter.Json(LocalAgainstTask(), o, pretty: true);
        Fixtures.AssertGolden("core_local.core.json", Encoding.UTF8.GetString(ms.ToArray()));
    }

    [Fact]
    public void Local_layout_moves_to_the_kernel_types_layout()
    {
        var report = LocalAgainstTask();
        Assert.Equal(52, report.Relocations.Count);
        Assert.True(report.CanLoad);
        CoreRelocationResult Find(string program, string access, CoreRelocationKind kind) =>
            report.Relocations.First(r => r.Program == program && r.LocalAccess == access && r.Kind == kind);
        // The README's numbers: pid 4 -> 1264, tgid 0 -> 1268, in_execve shifts 60 and 63.
        Assert.Equal(1264ul, Find("fork_direct", "struct task_struct___local.pid", CoreRelocationKind.FieldByteOffset).TargetValue);
        Assert.Equal(1268ul, Find("fork_direct", "struct task_struct___local.tgid", CoreRelocationKind.FieldByteOffset).TargetValue);
        Assert.Equal(60ul, Find("fork_direct", "struct task_struct___local.in_execve", CoreRelocationKind.FieldLShiftU64).TargetValue);
        Assert.Equal(63ul, Find("fork_direct", "struct task_struct___local.in_execve", CoreRelocationKind.FieldRShiftU64).TargetValue);
        Assert.Equal(4ul, Find("switch_probed", "struct task_struct___local.prio", CoreRelocationKind.FieldByteSize).TargetValue);
        Assert.Equal("struct mm_struct.__anon.total_vm", Find("switch_probed", "struct mm_struct___local.total_vm", CoreRelocationKind.FieldByteOffset).TargetAccess);
        Assert.Equal(CoreOutcome.Poisoned, Find("switch_probed", "struct task_struct___local.sharpbpf_cookie", CoreRelocationKind.FieldByteOffset).Outcome);
        // core_task.o declares task_struct___pre514 too: the flavor finds its namesake, not task_struct.
        var pre514 = Find("switch_probed", "struct task_struct___pre514.state", CoreRelocationKind.FieldByteOffset);
        Assert.Equal(CoreOutcome.Relocated, pre514.Outcome);
        Assert.Equal("struct task_struct___pre514.state", pre514.TargetAccess);
        Assert.Equal(0ul, Find("fork_direct", "enum pid_type___local::PIDTYPE_SHARPBPF___local", CoreRelocationKind.EnumValueExists).TargetValue);
    }

    [Fact]
    public void An_object_against_its_own_btf_finds_its_own_types()
    {
        var spec = LoadObject("core_task");
        var report = CoreResolver.Resolve(spec, spec.Btf!, "core_task.o");
        Assert.Equal(45, report.Relocations.Count);
        Assert.Equal(12, report.Relocations.Select(r => r.Kind).Distinct().Count());
        // Every type is its own candidate (task_struct___pre514 too, with task_struct beside it);
        // relocations narrow task_struct's candidates to itself before its target id is asked.
        foreach (var r in report.Relocations)
        {
            Assert.Equal(CoreOutcome.Relocated, r.Outcome);
            if (r.Kind == CoreRelocationKind.TypeIdLocal)
                continue;
            Assert.Equal(r.LocalTypeId, r.TargetTypeId);
            Assert.Equal(r.LocalAccess, r.TargetAccess);
            Assert.Equal(r.AccessString, r.TargetAccessString ?? r.AccessString);
        }
    }

    [Fact]
    public void Objects_without_core_relocations_give_an_empty_report()
    {
        var report = CoreResolver.Resolve(LoadObject("maps_btf"), BtfFileLoader.Load(Fixtures.Path("core_task.o")));
        Assert.Empty(report.Relocations);
        var sw = new StringWriter { NewLine = "\n" };
        CoreReportPrinter.Text(report, sw);
        Assert.Equal("maps_btf.o: no CO-RE relocations\n", sw.ToString());
    }

    // ---- against the running kernel, compared with libbpf ----

    public static TheoryData<string> KernelFixtures => new("core_local", "core_task");

    /// <summary>
    /// The report against /sys/kernel/btf/vmlinux agrees with libbpf's debug log of loading the
    /// object on this kernel: every relocation's instruction, local and target values, target
    /// type and access; and the instructions <see cref="CoreResolver.Apply"/> patches are the
    /// ones libbpf gave the kernel ("patched insn #N ... X -> Y", "substituting insn #N").
    /// </summary>
    [Theory]
    [MemberData(nameof(KernelFixtures))]
    public void Kernel_relocations_are_libbpfs(string name)
    {
        var expected = ReadLibbpfLog(name, out string kernel);
        if (!File.Exists(Vmlinux))
            Assert.Skip($"{Vmlinux} does not exist (kernel built without CONFIG_DEBUG_INFO_BTF); the fixtures' report is checked against core_task.o's BTF");
        string running = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "?";
        if (running != kernel)
            Assert.Skip($"{name}.core.expected.txt records libbpf on Linux {kernel}; this is {running}, whose layout differs (rebuild it with the command in its header)");

        var spec = LoadObject(name);
        var report = CoreResolver.Resolve(spec, BtfFileLoader.Load(Vmlinux), Vmlinux);
        Assert.Equal(expected.Count, report.Relocations.Count);
        foreach (var program in spec.Programs.Values)
        {
            var patched = CoreResolver.Apply(program, report);
            var touched = new HashSet<int>();
            foreach (var r in report.Relocations.Where(r => r.Program == program.Name))
            {
                string where = $"{name} prog '{r.Program}' relo #{r.Index}";
                Assert.True(expected.TryGetValue((r.Program, r.Index), out var e), $"{where}: not in libbpf's log");
                Assert.Equal(e.Kind, CoreNames.Of(r.Kind));
                Assert.Equal(e.LocalTypeId, r.LocalTypeId.Value);
                Assert.Equal(e.TargetTypeId ?? 0, r.TargetTypeId.Value);
                if (e.TargetRaw is not null)
                    Assert.Equal(e.TargetRaw, r.TargetAccessString);
                Assert.Equal(e.Instruction, r.Instruction);
                if (e.Poisoned)
                {
                    Assert.Equal(CoreOutcome.Poisoned, r.Outcome);
                    for (int k = 0; k < e.PoisonedSlots; k++)
                    {
                        Assert.Equal(new Instruction(Opcodes.CallOpcode, 0, 0, 0, 0xbad2310), patched[r.Instruction + k]);
                        touched.Add(r.Instruction + k);
                    }
                    continue;
                }
                Assert.True(r.Outcome is CoreOutcome.Relocated or CoreOutcome.NotFound, $"{where}: {r.Outcome} {r.Reason}");
                Assert.Equal(e.Old, r.LocalValue);
                Assert.Equal(e.New, r.TargetValue);
                var insn = patched[r.Instruction];
                touched.Add(r.Instruction);
                switch (e.Class)
                {
                    case "LDX/ST/STX":
                        Assert.Equal(CorePatchKind.Offset, r.Patch);
                        Assert.Equal((short)e.New, insn.Offset);
                        Assert.Equal(e.NewSize is null ? program.Instructions[r.Instruction].Opcode : insn.Opcode, insn.Opcode);
                        break;
                    case "ALU/ALU64":
                        Assert.Equal(CorePatchKind.Immediate, r.Patch);
                        Assert.Equal((int)e.New, insn.Immediate);
                        break;
                    case "LDIMM64":
                        Assert.Equal(CorePatchKind.Immediate64, r.Patch);
                        Assert.Equal(e.New, (uint)insn.Immediate | (ulong)(uint)patched[r.Instruction + 1].Immediate << 32);
                        touched.Add(r.Instruction + 1);
                        break;
                    default:
                        Assert.Fail($"{where}: unexpected class {e.Class}");
                        break;
                }
                Assert.Equal(e.NewSize, r.AccessSize);
            }
            for (int i = 0; i < patched.Length; i++)
            {
                if (!touched.Contains(i))
                    Assert.Equal(program.Instructions[i], patched[i]);
            }
        }
    }

    private sealed class LibbpfRelocation
    {
        public string Kind = "";
        public uint LocalTypeId;
        public uint? TargetTypeId;
        public string? TargetRaw;
        public int Instruction = -1;
        public string Class = "";
        public ulong Old;
        public ulong New;
        public int? NewSize;
        public bool Poisoned;
        public int PoisonedSlots;
    }

    private static readonly Regex LocalLine = new(@"^prog '(?<p>[^']+)': relo #(?<r>\d+): <(?<k>[a-z_0-9]+)> \[(?<t>\d+)\]");
    private static readonly Regex CandidateLine = new(@"^prog '(?<p>[^']+)': relo #(?<r>\d+): matching candidate #\d+ <[a-z_0-9]+> \[(?<t>\d+)\][^(]*(\((?<raw>[-\d:]+) @ offset [\d.]+\))?$");
    private static readonly Regex PatchLine = new(@"^prog '(?<p>[^']+)': relo #(?<r>\d+): patched insn #(?<i>\d+) \((?<c>[A-Z0-9/]+)\) (?<f>off|imm|imm64|mem_sz) (?<a>\d+) -> (?<b>\d+)$");
    private static readonly Regex PoisonLine = new(@"^prog '(?<p>[^']+)': relo #(?<r>\d+): substituting insn #(?<i>\d+) w/ invalid insn$");

    /// <summary>Reads tests/data/objects/NAME.core.expected.txt: libbpf's CO-RE debug lines for the object.</summary>
    private static Dictionary<(string Program, int Index), LibbpfRelocation> ReadLibbpfLog(string name, out string kernel)
    {
        kernel = "";
        var result = new Dictionary<(string, int), LibbpfRelocation>();
        LibbpfRelocation Get(Match m)
        {
            var key = (m.Groups["p"].Value, int.Parse(m.Groups["r"].Value, CultureInfo.InvariantCulture));
            if (!result.TryGetValue(key, out var r))
                result[key] = r = new LibbpfRelocation();
            return r;
        }
        foreach (var line in File.ReadAllLines(Fixtures.Path(name + ".core.expected.txt")))
        {
            if (line.StartsWith("# kernel: ", StringComparison.Ordinal))
                kernel = line["# kernel: ".Length..].Trim();
            if (PatchLine.Match(line) is { Success: true } p)
            {
                var r = Get(p);
                r.Instruction = int.Parse(p.Groups["i"].Value, CultureInfo.InvariantCulture);
                r.Class = p.Groups["c"].Value;
                ulong a = ulong.Parse(p.Groups["a"].Value, CultureInfo.InvariantCulture), b = ulong.Parse(p.Groups["b"].Value, CultureInfo.InvariantCulture);
                if (p.Groups["f"].Value == "mem_sz")
                    r.NewSize = (int)b;
                else
                    (r.Old, r.New) = (a, b);
            }
            else if (PoisonLine.Match(line) is { Success: true } x)
            {
                var r = Get(x);
                int at = int.Parse(x.Groups["i"].Value, CultureInfo.InvariantCulture);
                // lddw: libbpf poisons the second slot first, then the first.
                r.Instruction = r.Poisoned ? Math.Min(r.Instruction, at) : at;
                r.Poisoned = true;
                r.PoisonedSlots++;
            }
            else if (CandidateLine.Match(line) is { Success: true } c)
            {
                var r = Get(c);
                r.TargetTypeId ??= uint.Parse(c.Groups["t"].Value, CultureInfo.InvariantCulture);
                if (c.Groups["raw"].Success)
                    r.TargetRaw ??= c.Groups["raw"].Value;
            }
            else if (LocalLine.Match(line) is { Success: true } l)
            {
                var r = Get(l);
                r.Kind = l.Groups["k"].Value;
                r.LocalTypeId = uint.Parse(l.Groups["t"].Value, CultureInfo.InvariantCulture);
            }
        }
        Assert.NotEqual("", kernel);
        Assert.NotEmpty(result);
        return result;
    }
}

/// <summary>A member for <see cref="TinyBtf"/>: bit offset, and a bitfield size (0 when not a bitfield).</summary>
internal readonly record struct M(string Name, uint Type, uint BitOffset, int BitSize = 0);

/// <summary>Builds small raw BTF blobs for tests, type by type (ids from 1, or after a base).</summary>
internal sealed class TinyBtf
{
    private readonly List<byte> _types = [];
    private readonly List<byte> _strings = [0];
    private readonly Dictionary<string, uint> _stringOffsets = new(StringComparer.Ordinal);
    private readonly uint _stringBase;
    private uint _next;

    public TinyBtf() : this(1, 0)
    {
    }

    private TinyBtf(uint firstId, uint stringBase)
    {
        _next = firstId;
        _stringBase = stringBase;
        if (stringBase > 0)
            _strings.Clear();
    }

    /// <summary>A builder for split BTF on top of <paramref name="baseSpec"/>.</summary>
    public static TinyBtf Split(BtfSpec baseSpec) => new((uint)baseSpec.TypeCount, (uint)baseSpec.TotalStringsLength);

    public uint Str(string s)
    {
        if (s.Length == 0)
            return 0;
        if (_stringOffsets.TryGetValue(s, out var off))
            return off;
        off = _stringBase + (uint)_strings.Count;
        _strings.AddRange(Encoding.UTF8.GetBytes(s));
        _strings.Add(0);
        _stringOffsets[s] = off;
        return off;
    }

    private void U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        _types.AddRange(b.ToArray());
    }

    private uint Add(string name, BtfKind kind, int vlen, bool kindFlag, uint sizeOrType)
    {
        U32(Str(name));
        U32((uint)vlen | (uint)kind << 24 | (kindFlag ? 1u << 31 : 0));
        U32(sizeOrType);
        return _next++;
    }

    public uint Int(string name, uint size, bool signed = false)
    {
        uint id = Add(name, BtfKind.Int, 0, false, size);
        U32((signed ? 1u : 0u) << 24 | size * 8);
        return id;
    }

    public uint Array(uint element, uint length)
    {
        uint id = Add("", BtfKind.Array, 0, false, 0);
        U32(element);
        U32(element);
        U32(length);
        return id;
    }

    public uint Struct(string name, uint size, params M[] members) => Composite(BtfKind.Struct, name, size, members);

    public uint Union(string name, uint size, params M[] members) => Composite(BtfKind.Union, name, size, members);

    private uint Composite(BtfKind kind, string name, uint size, M[] members)
    {
        bool bitfields = members.Any(m => m.BitSize > 0);
        uint id = Add(name, kind, members.Length, bitfields, size);
        foreach (var m in members)
        {
            U32(Str(m.Name));
            U32(m.Type);
            U32(bitfields ? (uint)m.BitSize << 24 | m.BitOffset : m.BitOffset);
        }
        return id;
    }

    public uint Enum(string name, params (string Name, int Value)[] values)
    {
        uint id = Add(name, BtfKind.Enum, values.Length, false, 4);
        foreach (var (n, v) in values)
        {
            U32(Str(n));
            U32((uint)v);
        }
        return id;
    }

    public uint Enum64(string name, params (string Name, long Value)[] values)
    {
        uint id = Add(name, BtfKind.Enum64, values.Length, false, 8);
        foreach (var (n, v) in values)
        {
            U32(Str(n));
            U32((uint)v);
            U32((uint)((ulong)v >> 32));
        }
        return id;
    }

    public uint Typedef(string name, uint type) => Add(name, BtfKind.Typedef, 0, false, type);

    public BtfSpec Build(BtfSpec? baseSpec = null)
    {
        var bytes = new List<byte>();
        void W32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            bytes.AddRange(b.ToArray());
        }
        bytes.AddRange([0x9f, 0xeb, 1, 0]);
        W32(24);
        W32(0);
        W32((uint)_types.Count);
        W32((uint)_types.Count);
        W32((uint)_strings.Count);
        bytes.AddRange(_types);
        bytes.AddRange(_strings);
        return BtfSpec.Parse([.. bytes], baseSpec);
    }
}
