using CsCheck;
using SharpBpf.Core;
using SharpBpf.Core.Diagnostics;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Core.Tests;

public sealed class EncodingTests
{
    [Fact]
    public void Decode_of_encode_is_identity_for_every_valid_instruction()
    {
        InstructionGen.Single.Sample(insn =>
        {
            Assert.Null(InstructionValidator.ValidateSlot(insn));
            var bytes = new byte[8];
            insn.Write(bytes);
            Assert.Equal(insn, Instruction.Read(bytes));
            Assert.Equal(insn, Instruction.FromRaw(insn.RawValue));
        }, iter: 20_000);
    }

    [Fact]
    public void Valid_programs_round_trip_through_bytes()
    {
        InstructionGen.Program.Sample(program =>
        {
            var bytes = ProgramDecoder.Encode(program);
            Assert.True(ProgramDecoder.TrySplit(bytes, out var back, out _));
            Assert.Equal(program, back);
        }, iter: 2_000);
    }

    [Fact]
    public void Layout_is_opcode_regs_offset_imm_little_endian()
    {
        var insn = new Instruction(0x61, 1, 2, -4, 0x11223344);
        var bytes = new byte[8];
        insn.Write(bytes);
        Assert.Equal(new byte[] { 0x61, 0x21, 0xfc, 0xff, 0x44, 0x33, 0x22, 0x11 }, bytes);
        Assert.Equal(1, insn.Dst);
        Assert.Equal(2, insn.Src);
        Assert.Equal("0x11223344fffc2161", insn.ToString());
    }

    [Fact]
    public void Decoder_never_throws_on_random_bytes()
    {
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            bool ok = ProgramDecoder.TryDecode(bytes, out _, out var d);
            Assert.True(ok || d is not null);
            if (!ok)
                Assert.False(string.IsNullOrEmpty(d!.Message));
        }, iter: 20_000);
    }

    [Fact]
    public void Truncated_program_names_the_offset()
    {
        Assert.False(ProgramDecoder.TryDecode(new byte[12], out _, out var d));
        Assert.Equal(DiagnosticIds.TruncatedProgram, d!.Id);
        Assert.Equal(8, d.Location.Offset);
    }

    [Theory]
    [InlineData("07 00 01 00 01 00 00 00", "offset")] // add64 imm with an offset
    [InlineData("07 10 00 00 01 00 00 00", "src")]
    [InlineData("0f 00 00 00 01 00 00 00", "imm")]
    [InlineData("84 00 00 00 01 00 00 00", "imm")] // neg with an imm
    [InlineData("8c 00 00 00 00 00 00 00", "opcode")] // neg with BPF_X
    [InlineData("dc 00 00 00 08 00 00 00", "width")] // be8 does not exist
    [InlineData("df 00 00 00 10 00 00 00", "opcode")] // ALU64|X|END
    [InlineData("bc 10 20 00 00 00 00 00", "offset")] // movsx32 from 32 bits
    [InlineData("bf 10 01 00 00 00 00 00", "addr_space_cast")]
    [InlineData("05 01 00 00 00 00 00 00", "dst")] // ja with dst
    [InlineData("06 00 01 00 00 00 00 00", "offset")] // gotol with offset
    [InlineData("85 30 00 00 00 00 00 00", "src")] // call src 3
    [InlineData("85 00 01 00 00 00 00 00", "offset")]
    [InlineData("95 00 00 00 01 00 00 00", "imm")]
    [InlineData("99 10 00 00 00 00 00 00", "opcode")] // ldxsdw does not exist
    [InlineData("38 00 00 00 00 00 00 00", "opcode")] // ld_abs dw
    [InlineData("20 01 00 00 00 00 00 00", "dst")]
    [InlineData("d3 21 00 00 00 00 00 00", "size")] // atomic add of a byte
    [InlineData("db 21 00 00 02 00 00 00", "operation")]
    [InlineData("b7 0b 00 00 00 00 00 00", "register")] // r11
    [InlineData("18 71 00 00 00 00 00 00 00 00 00 00 00 00 00 00", "pseudo")]
    [InlineData("18 01 00 00 00 00 00 00", "second slot")]
    [InlineData("18 01 00 00 00 00 00 00 95 00 00 00 00 00 00 00", "second slot")]
    [InlineData("05 00 01 00 00 00 00 00", "outside")] // ja past the end
    [InlineData("05 00 00 00 00 00 00 00 18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00", "")]
    [InlineData("05 00 01 00 00 00 00 00 18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00", "inside lddw")]
    public void Invalid_encodings_are_rejected_with_a_reason(string hex, string reasonPart)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        bool ok = ProgramDecoder.TryDecode(bytes, out _, out var d);
        if (reasonPart.Length == 0)
        {
            Assert.True(ok, d?.ToString());
            return;
        }
        Assert.False(ok);
        Assert.Contains(reasonPart, d!.Message, StringComparison.Ordinal);
        Assert.True(d.Location.Pc >= 0);
    }

    [Fact]
    public void Every_opcode_byte_has_exactly_the_kinds_the_isa_defines()
    {
        int defined = 0;
        for (int op = 0; op < 256; op++)
        {
            if (OpcodeTable.KindOf((byte)op) != InstructionKind.Invalid)
                defined++;
        }
        // ALU: 2 classes x (11 binary ops x 2 sources + mov x 2 + neg) = 50, END 3;
        // JMP/JMP32 conditionals 2 x 22 = 44, ja, gotol, may_goto, call, callx, exit = 6;
        // lddw 1, ld_abs/ld_ind 6, ldx 4, ldxs 3, st 4, stx 4, atomic 4.
        Assert.Equal(50 + 3 + 44 + 6 + 1 + 6 + 4 + 3 + 4 + 4 + 4, defined);
    }
}
