using CsCheck;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Diagnostics;
using SharpBpf.Core.Formatting;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Core.Tests;

public sealed class AssemblerTests
{
    [Theory]
    [InlineData(AsmSyntax.Llvm)]
    [InlineData(AsmSyntax.Ubpf)]
    public void Disassembly_of_any_program_assembles_to_identical_bytes(AsmSyntax syntax)
    {
        var formatter = Disassembler.FormatterFor(syntax);
        InstructionGen.Program.Sample(program =>
        {
            var text = Disassembler.Text(program, formatter);
            var back = Assembler.Assemble(text, syntax);
            Assert.Equal(program, back);
        }, iter: 3_000, print: p => Disassembler.Text(p, formatter));
    }

    [Theory]
    [InlineData(AsmSyntax.Llvm)]
    [InlineData(AsmSyntax.Ubpf)]
    public void Listing_round_trips_too_and_syntax_is_detected(AsmSyntax syntax)
    {
        var formatter = Disassembler.FormatterFor(syntax);
        InstructionGen.Program.Sample(program =>
        {
            var listing = Disassembler.Listing(program, formatter, new Dictionary<int, string> { [0] = "entry" });
            Assert.Equal(program, Assembler.Assemble(listing));
        }, iter: 1_000);
    }

    [Fact]
    public void Undefined_slots_survive_as_quad()
    {
        InstructionGen.Program.Select(Gen.ULong, (p, raw) => p.Append(Instruction.FromRaw(raw)).ToArray()).Sample(program =>
        {
            foreach (var syntax in new[] { AsmSyntax.Llvm, AsmSyntax.Ubpf })
            {
                var text = Disassembler.Text(program, Disassembler.FormatterFor(syntax));
                Assert.Equal(program, Assembler.Assemble(text, syntax));
            }
        }, iter: 2_000);
    }

    [Theory]
    [InlineData("r0 = 1", "b7 00 00 00 01 00 00 00")]
    [InlineData("w3 <<= 8", "64 03 00 00 08 00 00 00")]
    [InlineData("if r2 < 14 goto +108", "a5 02 6c 00 0e 00 00 00")]
    [InlineData("r4 = *(u8 *)(r1 + 13)", "71 14 0d 00 00 00 00 00")]
    [InlineData("*(u32 *)(r10 - 4) = r1", "63 1a fc ff 00 00 00 00")]
    [InlineData("*(u32 *)(r10 - 4) = 7", "62 0a fc ff 07 00 00 00")]
    [InlineData("r1 = 1234605616436508552 ll", "18 01 00 00 88 77 66 55 00 00 00 00 44 33 22 11")]
    [InlineData("r1 = -1 ll", "18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff")]
    [InlineData("ld_pseudo r1, 1, 4294967295", "18 11 00 00 ff ff ff ff 00 00 00 00 00 00 00 00")]
    [InlineData("lock *(u32 *)(r1 + 4) += r2", "c3 21 04 00 00 00 00 00")]
    [InlineData("r2 = atomic_fetch_add((u64 *)(r1 + 4), r2)", "db 21 04 00 01 00 00 00")]
    [InlineData("r0 = cmpxchg_64(r1 + 4, r0, r2)", "db 21 04 00 f1 00 00 00")]
    [InlineData("w0 = cmpxchg32_32(r1 + 4, w0, w2)", "c3 21 04 00 f1 00 00 00")]
    [InlineData("r1 = le16 r1", "d4 01 00 00 10 00 00 00")]
    [InlineData("r1 = be64 r1", "dc 01 00 00 40 00 00 00")]
    [InlineData("r1 = bswap32 r1", "d7 01 00 00 20 00 00 00")]
    [InlineData("r1 s/= r2", "3f 21 01 00 00 00 00 00")]
    [InlineData("w1 s%= -3", "94 01 01 00 fd ff ff ff")]
    [InlineData("r1 = (s8)r2", "bf 21 08 00 00 00 00 00")]
    [InlineData("w1 = (s16)w2", "bc 21 10 00 00 00 00 00")]
    [InlineData("r1 = *(s32 *)(r2 + 0)", "81 21 00 00 00 00 00 00")]
    [InlineData("gotol -2", "06 00 00 00 fe ff ff ff")]
    [InlineData("may_goto +3", "e5 00 03 00 00 00 00 00")]
    [InlineData("call 5", "85 00 00 00 05 00 00 00")]
    [InlineData("call pc+5", "85 10 00 00 05 00 00 00")]
    [InlineData("call kfunc 1234", "85 20 00 00 d2 04 00 00")]
    [InlineData("callx r2", "8d 02 00 00 00 00 00 00")]
    [InlineData("r0 = *(u16 *)skb[12]", "28 00 00 00 0c 00 00 00")]
    [InlineData("r0 = *(u8 *)skb[r1]", "50 10 00 00 00 00 00 00")]
    [InlineData("r0 = load_acquire((u64 *)(r1 + 8))", "db 10 08 00 00 01 00 00")]
    [InlineData("store_release((u8 *)(r1 - 8), w2)", "d3 21 f8 ff 10 01 00 00")]
    [InlineData("r1 = addr_space_cast(r2, 0, 1)", "bf 21 01 00 01 00 00 00")]
    [InlineData("if w1 & 255 goto -1", "46 01 ff ff ff 00 00 00")]
    [InlineData("exit", "95 00 00 00 00 00 00 00")]
    public void Llvm_syntax_encodes_as_llvm_does(string text, string hex)
    {
        var expected = Split(hex);
        Assert.Equal(expected, Assembler.Assemble(text, AsmSyntax.Llvm));
        Assert.Equal(text, LlvmFormatter.Instance.Format(expected, 0));
    }

    [Theory]
    [InlineData("mov32 %r0, 1", "b4 00 00 00 01 00 00 00")]
    [InlineData("mov %r0, %r1", "bf 10 00 00 00 00 00 00")]
    [InlineData("jgt %r1, 5, +3", "25 01 03 00 05 00 00 00")]
    [InlineData("jne32 %r1, %r2, -1", "5e 21 ff ff 00 00 00 00")]
    [InlineData("stxw [%r10-4], %r1", "63 1a fc ff 00 00 00 00")]
    [InlineData("ldxdw %r0, [%r1+2]", "79 10 02 00 00 00 00 00")]
    [InlineData("stb [%r1+0], -1", "72 01 00 00 ff ff ff ff")]
    [InlineData("lock add32 [%r10-8], %r1", "c3 1a f8 ff 00 00 00 00")]
    [InlineData("lock fetch xor [%r10-8], %r1", "db 1a f8 ff a1 00 00 00")]
    [InlineData("lock xchg [%r10-8], %r1", "db 1a f8 ff e1 00 00 00")]
    [InlineData("lock cmpxchg32 [%r10-8], %r1", "c3 1a f8 ff f1 00 00 00")]
    [InlineData("movsx1664 %r1, %r2", "bf 21 10 00 00 00 00 00")]
    [InlineData("sdiv32 %r1, 3", "34 01 01 00 03 00 00 00")]
    [InlineData("bswap64 %r1", "d7 01 00 00 40 00 00 00")]
    [InlineData("be16 %r1", "dc 01 00 00 10 00 00 00")]
    [InlineData("neg32 %r1", "84 01 00 00 00 00 00 00")]
    [InlineData("ja32 +5", "06 00 00 00 05 00 00 00")]
    [InlineData("call local +2", "85 10 00 00 02 00 00 00")]
    [InlineData("call runtime 7", "85 20 00 00 07 00 00 00")]
    [InlineData("call %r2", "8d 02 00 00 00 00 00 00")]
    [InlineData("lddw %r0, 0x1122334455667788", "18 00 00 00 88 77 66 55 00 00 00 00 44 33 22 11")]
    [InlineData("ldabsh 12", "28 00 00 00 0c 00 00 00")]
    [InlineData("ldindb %r1, 2", "50 10 00 00 02 00 00 00")]
    [InlineData("ldacqw %r0, [%r1+0]", "c3 10 00 00 00 01 00 00")]
    [InlineData("strelb [%r1+0], %r2", "d3 21 00 00 10 01 00 00")]
    public void Ubpf_syntax_encodes_as_bpf_conformance_does(string text, string hex)
    {
        var expected = Split(hex);
        Assert.Equal(expected, Assembler.Assemble(text, AsmSyntax.Ubpf));
        Assert.Equal(text, UbpfFormatter.Instance.Format(expected, 0));
    }

    private static Instruction[] Split(string hex)
    {
        Assert.True(ProgramDecoder.TrySplit(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)), out var p, out _));
        return p;
    }

    [Fact]
    public void Ubpf_aliases_are_accepted()
    {
        Assert.Equal(Assembler.Assemble("add64 %r1, 1\nswap16 %r1\nmov64 %r0, 0\ncall helper 5\nldxb %r0, [%r1]\nexit", AsmSyntax.Ubpf),
            Assembler.Assemble("add %r1, 1\nbswap16 %r1\nmov %r0, 0\ncall 5\nldxb %r0, [%r1+0]\nexit", AsmSyntax.Ubpf));
    }

    [Fact]
    public void Labels_resolve_forward_and_backward_and_exit_is_implicit()
    {
        var p = Assembler.Assemble("start:\nmov %r0, 0\njeq %r0, 0, exit\nja start\nexit", AsmSyntax.Ubpf);
        Assert.Equal(1, p[1].Offset);
        Assert.Equal(-3, p[2].Offset);
        var q = Assembler.Assemble("call f\nexit\nf:\nr0 = 1\nexit", AsmSyntax.Llvm);
        Assert.Equal((int)CallSource.Local, q[0].Src);
        Assert.Equal(1, q[0].Immediate);
    }

    [Fact]
    public void Llvm_objdump_output_is_accepted_as_input()
    {
        const string listing = """

            prog.o:	file format elf64-bpf

            Disassembly of section xdp:

            0000000000000000 <prog>:
                   0:	b7 00 00 00 01 00 00 00	r0 = 1
                   1:	a5 02 01 00 0e 00 00 00	if r2 < 14 goto +1 <LBB0_2>
                   2:	b7 00 00 00 02 00 00 00	r0 = 2

            0000000000000018 <LBB0_2>:
                   3:	95 00 00 00 00 00 00 00	exit
            """;
        var p = Assembler.Assemble(listing);
        Assert.Equal(4, p.Length);
        Assert.Equal(1, p[1].Offset);
    }

    [Theory]
    [InlineData("r0 = 1\nr11 = 2\nexit", 2, 1, DiagnosticIds.AsmInvalidRegister)]
    [InlineData("r0 = 1\n  r0 += \nexit", 2, 8, DiagnosticIds.AsmSyntax)]
    [InlineData("r0 = 4294967296\nexit", 1, 6, DiagnosticIds.AsmOutOfRange)]
    [InlineData("goto nowhere\nexit", 1, 6, DiagnosticIds.AsmUndefinedLabel)]
    [InlineData("a:\na:\nexit", 2, 1, DiagnosticIds.AsmDuplicateLabel)]
    [InlineData("r0 = *(u32 *)(r1 + 40000)\nexit", 1, 20, DiagnosticIds.AsmOutOfRange)]
    [InlineData("frobnicate r0\nexit", 1, 1, DiagnosticIds.AsmUnknownMnemonic)]
    [InlineData("r0 = 1 @\nexit", 1, 8, DiagnosticIds.AsmSyntax)]
    public void Llvm_errors_name_line_and_column(string text, int line, int column, string id)
    {
        Assert.False(Assembler.TryAssemble(text, AsmSyntax.Llvm, out _, out var d, "x.s"));
        Assert.Equal(id, d!.Id);
        Assert.Equal(line, d.Location.Line);
        Assert.Equal(column, d.Location.Column);
        Assert.StartsWith($"x.s:{line}:{column}: error {id}: ", d.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mov32 %r0, 2147483648", 1, 12, DiagnosticIds.AsmOutOfRange)]
    [InlineData("mov32 %r0, 0x100000000", 1, 12, DiagnosticIds.AsmOutOfRange)]
    [InlineData("ja NOT_A_LABEL", 1, 4, DiagnosticIds.AsmUndefinedLabel)]
    [InlineData("lock or [%r10-8]", 1, 1, DiagnosticIds.AsmOperandCount)]
    [InlineData("lock", 1, 1, DiagnosticIds.AsmOperandCount)]
    [InlineData("ldxq %r0, %r1", 1, 1, DiagnosticIds.AsmUnknownMnemonic)]
    [InlineData("ldxb %r0, %r1", 1, 11, DiagnosticIds.AsmSyntax)]
    [InlineData("ldxb %r0, [%r1+0x10000]", 1, 16, DiagnosticIds.AsmOutOfRange)]
    [InlineData("lddw %r0", 1, 1, DiagnosticIds.AsmOperandCount)]
    [InlineData("or %r0, %r50", 1, 9, DiagnosticIds.AsmInvalidRegister)]
    public void Ubpf_errors_match_the_bpf_conformance_negative_cases(string text, int line, int column, string id)
    {
        Assert.False(Assembler.TryAssemble(text + "\nexit", AsmSyntax.Ubpf, out _, out var d));
        Assert.Equal(id, d!.Id);
        Assert.Equal((line, column), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Assembler_never_throws_on_random_text()
    {
        var chars = Gen.OneOf<char>(Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789%=+-*()[],:# \n<>&|^!"], Gen.Char.AlphaNumeric);
        chars.Array[0, 60].Select(a => new string(a)).Sample(text =>
        {
            foreach (var syntax in new[] { AsmSyntax.Llvm, AsmSyntax.Ubpf })
            {
                bool ok = Assembler.TryAssemble(text, syntax, out _, out var d);
                Assert.True(ok || (d is not null && d.Location.Line > 0));
            }
        }, iter: 200_000);
    }

    [Theory]
    [InlineData("mov %r0, 1\nexit", AsmSyntax.Ubpf)]
    [InlineData("r0 = 1\nexit", AsmSyntax.Llvm)]
    [InlineData("# comment\nlddw %r0, 1\nexit", AsmSyntax.Ubpf)]
    [InlineData("exit", AsmSyntax.Llvm)]
    public void Syntax_detection(string text, AsmSyntax expected) => Assert.Equal(expected, Assembler.DetectSyntax(text));
}
