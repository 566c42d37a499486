namespace SharpBpf.Core.Formatting;

/// <summary>Pieces shared by the formatters.</summary>
internal static class FormatterShared
{
    /// <summary>A branch offset with its sign always shown (<c>+3</c>, <c>-1</c>, <c>+0</c>).</summary>
    public static string Signed(long value) => value >= 0 ? "+" + value : value.ToString();

    /// <summary>The 64-bit immediate of lddw, from both slots.</summary>
    public static ulong Imm64(ReadOnlySpan<Instruction> program, int pc) =>
        (uint)program[pc].Immediate | ((ulong)(pc + 1 < program.Length ? (uint)program[pc + 1].Immediate : 0u) << 32);

    /// <summary>Whether the lddw at pc has a usable second slot.</summary>
    public static bool HasSecondSlot(ReadOnlySpan<Instruction> program, int pc) =>
        pc + 1 < program.Length && program[pc + 1].Opcode == 0 && program[pc + 1].Dst == 0 &&
        program[pc + 1].Src == 0 && program[pc + 1].Offset == 0;

    /// <summary>The raw directive for a slot no syntax can name.</summary>
    public static string Quad(Instruction insn) => $".quad 0x{insn.RawValue:x16}";

    /// <summary>The C type name of a load/store size.</summary>
    public static string SizeType(byte opcode, bool signed) => (opcode & 0x18) switch
    {
        Opcodes.SizeW => signed ? "s32" : "u32",
        Opcodes.SizeH => signed ? "s16" : "u16",
        Opcodes.SizeB => signed ? "s8" : "u8",
        _ => signed ? "s64" : "u64",
    };

    /// <summary>The uBPF size suffix of a load/store (b, h, w, dw).</summary>
    public static string SizeSuffix(byte opcode) => (opcode & 0x18) switch
    {
        Opcodes.SizeW => "w",
        Opcodes.SizeH => "h",
        Opcodes.SizeB => "b",
        _ => "dw",
    };
}
